"""Adam with the seed's hyperparameters and a learning rate that decays linearly to zero."""


# Arrays are updated this many numbers at a time (128 KB of float64): a whole large array at once makes
# temporaries big enough that each is a fresh allocation from the system, 3 times slower for a 200k model.
ARRAY_SLICE = 16_384


class Adam:
    """Adam over a fixed number of parameters, for a schedule of `num_steps` steps.

    Step t (from 0) uses the learning rate learning_rate * (1 - t / num_steps). The moments `m` and `v`
    are lists of floats, or numpy arrays once the numpy engine has stepped.
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
        """Update every parameter (anything with `.data` and `.grad`, e.g. Values), then zero its gradient."""
        new_data = self.update([p.data for p in params], [p.grad for p in params])
        for p, data in zip(params, new_data):
            p.data, p.grad = data, 0

    def update(self, data, grads):
        """The parameters `data` after one step against their gradients `grads`; the moments move too.

        `data` and `grads` are flat lists of floats, or numpy arrays of floats: then `data` and the moments
        (which must be arrays too) are updated in place.
        """
        if len(data) != len(self.m):
            raise ValueError(f"this optimizer holds state for {len(self.m)} parameters, got {len(data)}")
        if self.t >= self.num_steps:
            raise ValueError(f"the schedule of {self.num_steps} steps is over")
        lr_t, b1, b2, eps = self.lr(), self.beta1, self.beta2, self.eps
        self.t += 1
        correction1, correction2 = 1 - b1 ** self.t, 1 - b2 ** self.t

        def adam(x, g, m, v):
            """Adam's formula for a parameter x with gradient g and moments m, v (numbers or whole arrays)."""
            m = b1 * m + (1 - b1) * g       # running mean of the gradient
            v = b2 * v + (1 - b2) * g ** 2  # running mean of its square
            m_hat, v_hat = m / correction1, v / correction2  # undo the pull towards their starting 0
            return x - lr_t * m_hat / (v_hat ** 0.5 + eps), m, v

        if isinstance(data, list):
            data, self.m, self.v = map(list, zip(*map(adam, data, grads, self.m, self.v)))
        else:  # arrays change in place, a slice at a time: numpy's temporaries stay small enough to be reused
            for start in range(0, len(data), ARRAY_SLICE):
                part = slice(start, start + ARRAY_SLICE)
                data[part], self.m[part], self.v[part] = adam(data[part], grads[part], self.m[part], self.v[part])
        return data

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
