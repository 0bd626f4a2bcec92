"""The notebooks' self-checks: each `check_...` returns a Verdict, right (with praise) or not yet (with a hint).

A notebook imports the checkers of its own topic, e.g. `from microgpt.exercises.bigram import check_name_nll`,
and ends an exercise's cell with `check_name_nll(name_nll)`: the cell shows the verdict's one line.
Hints point at the mistake, never at the answer; solutions live in notebooks/solutions/.

- verdict:    Verdict, Hint, @checker, `call` (runs the learner's function), `multiple_choice`, numeric comparisons
- welcome:    00, hotter names and new names
- tokenizer:  01, the vocabulary, encoding with BOS, decoding
- bigram:     02, smoothing, the loss of a name, temperature
- autograd:   03, the central difference, gradients by hand, tanh
- blocks:     04, cross-entropy, the logits' gradient, LayerNorm
- embeddings: 05, embedding a name, rmsnorm, the MLP block with its residual, the picture of the embeddings
- attention:  06, one query's weights, without the scale, one head of many, a question for the explorer
- loss:       07, the loss of one position, where an untrained model's loss starts, one gradient of lm_head
- training:   08, one Adam step by hand, a learning rate 10 times larger, what the bias correction changes
- sampling:   09, one letter drawn by hand, a greedy decoder, names memorised or new
- efficiency: 10, an operation fused into one node, the numpy backward of a linear layer with a bias, the node count
- experiments: 11, the diff of an experiment of your own, the first step two runs part at, luck or a real difference
"""
