"""Scalar autograd: a `Value` remembers how it was made, so `backward()` can apply the chain rule.

The arithmetic is the seed's, operation for operation (subtraction is addition of a negation,
division is multiplication by a power of -1), so the same inputs give the same floats.
"""

import math


class Value:
    """A scalar in a computation graph: its data, its gradient, and the nodes it was made from."""

    # Fixed fields instead of a per-object dict: a training step makes ~60,000 Values, so memory counts.
    __slots__ = ("data", "grad", "_children", "_local_grads", "op", "label")

    def __init__(self, data, children=(), local_grads=(), op="", label=""):
        self.data = data                  # the number computed by the forward pass
        self.grad = 0                     # d(output)/d(this node), filled in by backward()
        self._children = children         # the nodes this one was computed from
        self._local_grads = local_grads   # d(this node)/d(each child)
        self.op = op                      # name of the operation that made this node ('' for a leaf)
        self.label = label                # an optional name, shown when the graph is drawn

    def __repr__(self):
        label = f", label={self.label!r}" if self.label else ""
        return f"Value(data={self.data!r}, grad={self.grad!r}{label})"

    def __add__(self, other):
        other = other if isinstance(other, Value) else Value(other)
        return Value(self.data + other.data, (self, other), (1, 1), "+")

    def __mul__(self, other):
        other = other if isinstance(other, Value) else Value(other)
        return Value(self.data * other.data, (self, other), (other.data, self.data), "*")

    def __pow__(self, exponent):
        if isinstance(exponent, Value):
            raise TypeError("Value ** Value is not supported: the exponent must be a plain number")
        return Value(self.data**exponent, (self,), (exponent * self.data**(exponent - 1),), f"**{exponent}")

    def log(self):
        return Value(math.log(self.data), (self,), (1 / self.data,), "log")

    def exp(self):
        return Value(math.exp(self.data), (self,), (math.exp(self.data),), "exp")

    def relu(self):
        return Value(max(0, self.data), (self,), (float(self.data > 0),), "relu")

    def __neg__(self): return self * -1
    def __radd__(self, other): return self + other
    def __sub__(self, other): return self + (-other)
    def __rsub__(self, other): return other + (-self)
    def __rmul__(self, other): return self * other
    def __truediv__(self, other): return self * other**-1
    def __rtruediv__(self, other): return other * self**-1

    def backward(self):
        """Fill in `.grad` of every node this one depends on, by the chain rule.

        Gradients accumulate with `+=`, so call `zero_grad` between two backward passes.
        """
        self.grad = 1
        for node in reversed(topological_order(self)):
            for child, local_grad in zip(node._children, node._local_grads):
                child.grad += local_grad * node.grad


def topological_order(root):
    """Every node reachable from `root`, each after all of its children.

    An explicit stack instead of recursion, so graphs deeper than Python's recursion limit work.
    It visits children in the same order as a recursive depth-first search would, so gradients
    are accumulated in the seed's order and come out bit for bit the same.
    """
    order, visited = [], {root}
    stack = [(root, iter(root._children))]
    while stack:
        node, children = stack[-1]
        for child in children:
            if child not in visited:
                visited.add(child)
                stack.append((child, iter(child._children)))
                break
        else:
            stack.pop()
            order.append(node)
    return order


def zero_grad(values):
    """Reset the gradients of `values` (e.g. a model's parameters) to zero."""
    for v in values:
        v.grad = 0
