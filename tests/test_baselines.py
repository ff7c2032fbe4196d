"""What a baseline fits on: the whole training set, a seeded subsample, never fewer silently."""

import numpy as np

from leanmlp.study.baselines import training_subsample


def test_a_subsample_is_seeded_sorted_and_of_the_asked_size():
    rows, note = training_subsample(1000, 100, seed=0)
    again, _ = training_subsample(1000, 100, seed=0)
    assert note is None and len(rows) == 100 and np.array_equal(rows, again) and (np.diff(rows) > 0).all()
    assert not np.array_equal(rows, training_subsample(1000, 100, seed=1)[0])
    assert training_subsample(1000, None, seed=0) == (None, None)
    assert training_subsample(1000, 1000, seed=0) == (None, None)


def test_a_size_above_the_training_set_fits_on_all_of_it_and_says_so():
    rows, note = training_subsample(1259, 100000, seed=0)
    assert rows is None
    assert note == "baselines.train_size is 100000, but the training set has 1259 images: fitting on all 1259"
