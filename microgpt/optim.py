"""Adam with the seed's hyperparameters and a learning rate that decays linearly to zero."""


class Adam:
    """Adam over a fixed list of parameters (anything with `.data` and `.grad`).

    `num_steps` sets the schedule: step t (from 0) uses learning_rate * (1 - t / num_steps).
    The moments `m` and `v` are lists of floats (numpy arrays once the numpy engine has stepped).
    """

    def __init__(self, n_params, num_steps, learning_rate=0.01, beta1=0.85, beta2=0.99, eps=1e-8):
        if not isinstance(num_steps, int) or num_steps < 1:
            raise ValueError(f"num_steps must be a positive integer, got {num_steps!r}")
        self.num_steps = num_steps
        self.learning_rate, self.beta1, self.beta2, self.eps = learning_rate, beta1, beta2, eps
        self.m = [0.0] * n_params  # running mean of gradients
        self.v = [0.0] * n_params  # running mean of squared gradients
        self.t = 0                 # steps taken so far

    def lr(self):
        """The learning rate of the next step."""
        return self.learning_rate * (1 - self.t / self.num_steps)

    def step(self, params):
        """Update every parameter (anything with `.data` and `.grad`), then reset its gradient to zero."""
        new_data = self.update([p.data for p in params], [p.grad for p in params])
        for p, data in zip(params, new_data):
            p.data, p.grad = data, 0

    def update(self, data, grads):
        """The parameters `data` (a flat list of floats) after one step against their gradients `grads`.

        Engines that keep parameters in flat lists call this directly. The moments are updated in place.
        """
        lr_t, correction1, correction2 = self.advance(len(data))
        b1, b2, eps = self.beta1, self.beta2, self.eps
        m, v = self.m, self.v
        m[:] = [b1 * mi + (1 - b1) * g for mi, g in zip(m, grads)]
        v[:] = [b2 * vi + (1 - b2) * g ** 2 for vi, g in zip(v, grads)]
        return [x - lr_t * (mi / correction1) / ((vi / correction2) ** 0.5 + eps) for x, mi, vi in zip(data, m, v)]

    def advance(self, n_params):
        """Count one step of `n_params` parameters; return its learning rate and the two bias corrections.

        `update` uses it; so does an engine that applies the same formula its own way (on arrays).
        """
        if n_params != len(self.m):
            raise ValueError(f"this optimizer holds state for {len(self.m)} parameters, got {n_params}")
        if self.t >= self.num_steps:
            raise ValueError(f"the schedule of {self.num_steps} steps is over")
        lr_t = self.lr()
        self.t += 1
        return lr_t, 1 - self.beta1 ** self.t, 1 - self.beta2 ** self.t

    def state(self):
        """What a checkpoint needs to resume: hyperparameters, step count and moments."""
        return {"num_steps": self.num_steps, "learning_rate": self.learning_rate, "beta1": self.beta1,
                "beta2": self.beta2, "eps": self.eps, "t": self.t,
                "m": [float(x) for x in self.m], "v": [float(x) for x in self.v]}  # floats, even from arrays

    @classmethod
    def from_state(cls, state):
        adam = cls(len(state["m"]), state["num_steps"], state["learning_rate"],
                   state["beta1"], state["beta2"], state["eps"])
        if len(state["v"]) != len(state["m"]) or not 0 <= state["t"] <= state["num_steps"]:
            raise ValueError("optimizer state is inconsistent")
        adam.t, adam.m, adam.v = state["t"], [float(x) for x in state["m"]], [float(x) for x in state["v"]]
        return adam
