"""The network and its training, pure numpy: layers (``fprop``/``bprop`` pairs), losses,
penalties, initialisers, learning rules, the MLP that stacks them, the batch provider and the
training loop. Imports nothing of leanmlp but the base modules."""
