"""Loss functions on the network's outputs."""

import numpy as np


class SoftmaxCrossEntropy:
    """Mean cross-entropy of a softmax over logits, computed stably via log-sum-exp.

    logits : float32 array of shape (batch_size, n_classes)
    labels : int array of shape (batch_size,), values 0..n_classes-1
    """

    def __call__(self, logits, labels):
        """Mean loss only: what an evaluation pass needs, without the gradient's work."""
        shifted = logits - logits.max(axis=1, keepdims=True)
        log_sums = np.log(np.exp(shifted).sum(axis=1))
        return float((log_sums.sum() - shifted[np.arange(len(labels)), labels].sum()) / len(labels))

    def grad(self, logits: np.ndarray, labels: np.ndarray) -> np.ndarray:
        return self.loss_and_grad(logits, labels)[1]

    def loss_and_grad(self, logits: np.ndarray, labels: np.ndarray) -> tuple[float, np.ndarray]:
        """Return (mean loss as float, d loss / d logits of the logits' shape)."""
        batch_size = len(labels)
        rows = np.arange(batch_size)
        shifted = logits - logits.max(axis=1, keepdims=True)
        grads = np.exp(shifted)
        sums = grads.sum(axis=1)
        loss = (np.log(sums).sum() - shifted[rows, labels].sum()) / batch_size
        # softmax / batch_size, minus 1 / batch_size at the true class
        grads *= (1.0 / batch_size / sums)[:, None]
        grads[rows, labels] -= 1.0 / batch_size
        return float(loss), grads

    def __repr__(self):
        return "SoftmaxCrossEntropy()"
