"""What the paper does to the data before training: PCA, training-sample pruning, the input
variants they make and their memory footprints."""
