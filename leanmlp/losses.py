"""Loss functions on the network's outputs."""

import numpy as np

EXP_FLOOR = np.float32(-60.0)
"""Shifted logits below this count as probability zero. A confident network puts many classes
hundreds of nats below the best one (-416 after 100 epochs of Adam on EMNIST): their exp would be
a float32 subnormal or an underflow, both many times slower on Intel cores, in every training
step and evaluation pass. exp(-60) = 8.7e-27 vanishes against the sum of the exps (at least 1),
and as a gradient it would move no weight: the loss is unchanged and the gradient loses only
values too small to matter, set to exactly zero."""


def shifted_exps(logits):
    """(logits minus each row's maximum, exp of them floored at ``EXP_FLOOR``): no subnormals."""
    shifted = logits - logits.max(axis=1, keepdims=True)
    return shifted, np.exp(np.maximum(shifted, EXP_FLOOR))


class SoftmaxCrossEntropy:
    """Mean cross-entropy of a softmax over logits, computed stably via log-sum-exp.

    logits : float32 array of shape (batch_size, n_classes)
    labels : int array of shape (batch_size,), values 0..n_classes-1
    """

    def __call__(self, logits, labels):
        """Mean loss only: what an evaluation pass needs, without the gradient's work."""
        shifted, exps = shifted_exps(logits)
        log_sums = np.log(exps.sum(axis=1))
        return float((log_sums.sum() - shifted[np.arange(len(labels)), labels].sum()) / len(labels))

    def grad(self, logits, labels):
        return self.loss_and_grad(logits, labels)[1]

    def loss_and_grad(self, logits, labels):
        """Return (mean loss as float, d loss / d logits of the logits' shape)."""
        batch_size = len(labels)
        rows = np.arange(batch_size)
        shifted, grads = shifted_exps(logits)
        sums = grads.sum(axis=1)
        loss = (np.log(sums).sum() - shifted[rows, labels].sum()) / batch_size
        grads[shifted < EXP_FLOOR] = 0.0
        # softmax / batch_size, minus 1 / batch_size at the true class
        grads *= (1.0 / batch_size / sums)[:, None]
        grads[rows, labels] -= 1.0 / batch_size
        return float(loss), grads

    def __repr__(self):
        return "SoftmaxCrossEntropy()"
