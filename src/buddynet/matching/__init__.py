"""Matching buddies and participants: the engine (pure numpy/scipy, `engine/`) and the app
around it: adapters from the models, rankings with reasons, global proposals in the queue,
raised hands on anonymised help requests, introductions and the answers after them."""
