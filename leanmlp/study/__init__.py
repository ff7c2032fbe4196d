"""The study: the config's checks, the experiment matrix, the baselines, what the networks cost
and the claims judged over seeds."""
