"""DNN acoustic models: config and network (model), training frames (dataset),
training (train), priors and log-likelihoods (priors, loglikes),
model dirs on disk (modeldir)."""
