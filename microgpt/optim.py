"""Adam with the seed's hyperparameters and a learning rate that decays linearly to zero."""


class Adam:
    """Adam over a fixed list of parameters (anything with `.data` and `.grad`).

    `num_steps` sets the schedule: step t (from 0) uses learning_rate * (1 - t / num_steps).
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
        """Update every parameter from its gradient, then reset the gradient to zero."""
        if len(params) != len(self.m):
            raise ValueError(f"this optimizer holds state for {len(self.m)} parameters, got {len(params)}")
        if self.t >= self.num_steps:
            raise ValueError(f"the schedule of {self.num_steps} steps is over")
        b1, b2, lr_t = self.beta1, self.beta2, self.lr()
        m, v = self.m, self.v
        correction1, correction2 = 1 - b1 ** (self.t + 1), 1 - b2 ** (self.t + 1)
        for i, p in enumerate(params):
            m[i] = b1 * m[i] + (1 - b1) * p.grad
            v[i] = b2 * v[i] + (1 - b2) * p.grad ** 2
            m_hat = m[i] / correction1
            v_hat = v[i] / correction2
            p.data -= lr_t * m_hat / (v_hat ** 0.5 + self.eps)
            p.grad = 0
        self.t += 1

    def state(self):
        """What a checkpoint needs to resume: hyperparameters, step count and moments."""
        return {"num_steps": self.num_steps, "learning_rate": self.learning_rate, "beta1": self.beta1,
                "beta2": self.beta2, "eps": self.eps, "t": self.t, "m": list(self.m), "v": list(self.v)}

    @classmethod
    def from_state(cls, state):
        adam = cls(len(state["m"]), state["num_steps"], state["learning_rate"],
                   state["beta1"], state["beta2"], state["eps"])
        if len(state["v"]) != len(state["m"]) or not 0 <= state["t"] <= state["num_steps"]:
            raise ValueError("optimizer state is inconsistent")
        adam.t, adam.m, adam.v = state["t"], [float(x) for x in state["m"]], [float(x) for x in state["v"]]
        return adam
