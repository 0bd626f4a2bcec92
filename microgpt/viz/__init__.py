"""Visual tools for the notebooks, one module per topic.

Each topic has a pure function that returns the data, HTML, DOT source or figure (tested without a
browser, and shown by notebook cells that nbval compares), and at most a thin widget around it:

- `model_map`: `model_map` (HTML): the parts of the model from token to loss, those built so far lit.
- `tokens`: `token_labels`, `tokenize_view` (HTML), `tokenizer_playground` (widget), and what every widget
  that reads a typed name shares (`unknown_message`, `shorten`, `example_label`, `name_input`).
- `graph`: `to_dot` (DOT source), `graph_rows` (what a drawing shows, as data), `draw_graph` (SVG, or how
  to install Graphviz); graphviz only.
- `gradients`: `inspect_expression` (a Value after backward), `gradient_inspector` (widget; notebook 03);
  `read_gradients`, `gradient_map`, `gradient_html`, `gradient_table`, `model_gradient_inspector`
  (every weight's gradient in the real model; notebook 07).
- `dataset`: matplotlib pictures of the names: lengths, character frequencies, the bigram heatmap.
- `training`: `moving_average`, `plot_loss_history`, `plot_runs`; `loss_svg` and `LiveTraining` (the live
  picture and progress while a run trains; notebook 08).
- `embeddings`: `project_2d` (PCA), `cosine_similarities`, and figures of the token map, the position
  similarities, the residual stream and gradient sizes (notebook 05).
- `attention`: `read_attention` (the weights a model records, with a note or an error), `attention_html`,
  `attention_table`, `attention_explorer` (widget; notebook 06).
- `sampling`: `sampling_walk` (one name drawn step by step, as data), `sampling_html`, `sampling_table`,
  `sampling_explorer` (widget), `plot_temperatures`, `plot_tradeoff` (notebook 09).
- `efficiency`: `count_by_operation` and `plot_node_counts` (a step's Values by operation), `step_profile`,
  `profile_table`, `plot_profile`, `top_functions` (a profiled step), `count_tape` (the fast engine's nodes),
  `speed_table`, `plot_speeds`, `plot_engine_losses` (the engines side by side; notebook 10).
- `experiments`: `results_table`, `samples_table`, `plot_experiment` (runs compared with the default),
  `diff_html` (a run diff), `plan_experiment` and `ExperimentLab` (widget; notebook 11).

Unlike the core of the package, these modules import third-party libraries (the `notebooks` extra).
"""
