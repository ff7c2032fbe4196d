"""The trained network as something to keep and reuse: model files (the network with the input
transform it was trained on) and the scikit-learn estimator."""
