"""What each checker of microgpt/exercises can tell a learner, read from its code with ast (nothing is run).

    python scripts/checker_hints.py microgpt/exercises/autograd.py    # print every checker's messages

A checker is a function decorated with @checker(praise) (microgpt/exercises/verdict.py): it says what is
wrong by raising Hint(message). This finds every message a checker can raise, in source order: the Hints
raised in its body and in the helpers of its module that it calls (their parameters bound to the arguments
it passes), and the hint tables it hands to verdict's helpers: reject's (wrong answer, hint) pairs and its
`otherwise`, multiple_choice's {wrong letter: hint}, and call's `notes` {start of an error: note}.

A message is followed through names, tables, comprehensions, `+`, conditional expressions and the return
values of helpers. A hole of an f-string is filled in when every way to it gives a known string (a few
variants at most, one message each); otherwise it shows as "…". A Hint whose message cannot be followed
stops the script with its line, so no message goes missing unnoticed.
"""

import ast
import itertools
import sys
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
VERDICT = ROOT / "microgpt" / "exercises" / "verdict.py"
HOLE = "…"
VALUES = ("value", "each")  # the kinds of a name's bindings that are its value (see Scope.lookup)
MOST_VARIANTS = 6  # of one f-string: beyond this, its holes with the most variants become "…"


@dataclass(frozen=True)
class Message:
    """One thing a checker tells the learner, and `when`, if the message alone does not say: "otherwise"
    (any other wrong answer), "raises <error>" or "answers (<letter>) <choice>"."""

    when: str | None
    text: str


@dataclass(frozen=True)
class Checker:
    name: str
    praise: str
    messages: tuple


@dataclass(frozen=True)
class Parts:
    """A row of an iterable known only part by part (zip, enumerate, dict.items): part i's candidates."""

    parts: tuple


class Unreadable(Exception):
    """A Hint, or a table handed to verdict, whose messages cannot be followed."""


class Module:
    """A module's functions, its module-level assignments, and what it imports from verdict."""

    def __init__(self, path):
        self.path = Path(path)
        self.tree = ast.parse(self.path.read_text(), str(path))
        self.functions = {node.name: node for node in self.tree.body if isinstance(node, ast.FunctionDef)}
        self.verdict = {alias.asname or alias.name: alias.name for node in self.tree.body
                        if isinstance(node, ast.ImportFrom) and (node.module or "").split(".")[-1] == "verdict"
                        for alias in node.names}
        self.scope = Scope(self, self.tree)


class Scope:
    """Where a name is looked up: its bound names (a helper's parameters, a comprehension's targets), then
    the assignments of its function (or module), then the enclosing scope, then the module's."""

    def __init__(self, module, node, bound=None, outer=None):
        self.module, self.node, self.bound, self.outer = module, node, bound or {}, outer

    def lookup(self, name):
        """[(kind, expr, scope)]: kind "value" (expr is the name's value), "each" (a value of a loop's target:
        the name is each in turn), "rows" (its elements are added to it: += or extend) or "row" (expr is added
        to it: append)."""
        if name in self.bound:
            kind = "value" if self.node is not None else "each"  # a helper's parameter, or a comprehension's target
            return [(kind, expr, scope) for expr, scope in self.bound[name]]
        found = assignments(self, name) if self.node is not None else []
        if found or name in parameters(self.node):  # a parameter no call binds: its value is the learner's
            return found
        if self.outer is not None:
            return self.outer.lookup(name)
        return [] if self is self.module.scope else self.module.scope.lookup(name)


def parameters(node):
    if not isinstance(node, ast.FunctionDef):
        return set()
    args = node.args
    return {a.arg for a in args.posonlyargs + args.args + args.kwonlyargs + [args.vararg, args.kwarg] if a}


def own_nodes(node):
    """The nodes of a function (or module) body in source order, but for nested functions' and lambdas' insides."""
    for child in ast.iter_child_nodes(node):
        yield child
        if not isinstance(child, (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda, ast.ClassDef)):
            yield from own_nodes(child)


def target_paths(target, name, path=()):
    """Where `name` sits in an assignment or loop target: the index paths into the value."""
    if isinstance(target, ast.Name):
        return [path] if target.id == name else []
    if isinstance(target, (ast.Tuple, ast.List)):
        return [found for i, elt in enumerate(target.elts) for found in target_paths(elt, name, path + (i,))]
    return []


def assignments(scope, name):
    found = []
    for node in own_nodes(scope.node):
        if isinstance(node, ast.Assign):
            for target in node.targets:
                for path in target_paths(target, name):
                    found += [("value", expr, s) for expr, s in parts([(node.value, scope)], path)]
        elif isinstance(node, ast.AnnAssign) and node.value is not None and target_paths(node.target, name):
            found.append(("value", node.value, scope))
        elif isinstance(node, ast.AugAssign) and target_paths(node.target, name):
            found.append(("rows", node.value, scope))
        elif isinstance(node, (ast.For, ast.AsyncFor)):
            for path in target_paths(node.target, name):
                found += [("each", expr, s) for expr, s in parts(elements(node.iter, scope), path)]
        elif (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)
              and isinstance(node.func.value, ast.Name) and node.func.value.id == name and node.args):
            if node.func.attr == "append":
                found.append(("row", node.args[0], scope))
            elif node.func.attr == "extend":
                found.append(("rows", node.args[0], scope))
    return found


def parts(rows, path):
    """The candidates at `path` inside each of `rows`."""
    for i in path:
        rows = [part for row in rows for part in component(row, i)]
    return [row for row in rows if not isinstance(row, Parts)]


def component(row, i):
    if isinstance(row, Parts):
        return row.parts[i] if i < len(row.parts) else []
    expr, scope = row
    if isinstance(expr, (ast.Tuple, ast.List)):
        return [(expr.elts[i], scope)] if i < len(expr.elts) and not isinstance(expr.elts[i], ast.Starred) else []
    if isinstance(expr, ast.Name):
        return [part for kind, value, s in scope.lookup(expr.id) if kind in VALUES
                for part in component((value, s), i)]
    return []


def comprehension_scope(node, scope):
    """The scope of a comprehension's element: each target bound to what its iterable holds."""
    for generator in node.generators:
        rows = elements(generator.iter, scope)
        names = {n.id for n in ast.walk(generator.target) if isinstance(n, ast.Name)}
        scope = Scope(scope.module, None, {name: [found for path in target_paths(generator.target, name)
                                                  for found in parts(rows, path)] for name in names}, scope)
    return scope


def helper(call, scope):
    """(the module's function that `call` calls, a scope with its parameters bound), or None."""
    if not isinstance(call.func, ast.Name):
        return None
    function = scope.module.functions.get(call.func.id)
    if function is None or is_checker(function):
        return None
    return function, Scope(scope.module, function, bind(function, call, scope))


def bind(function, call, scope):
    """{parameter: [(argument, scope)]}: what `call` passes to `function`, else the parameter's default."""
    args = function.args
    positional = args.posonlyargs + args.args
    bound = {}
    for parameter, arg in zip(positional, call.args):
        if isinstance(arg, ast.Starred):
            break
        bound[parameter.arg] = [(arg, scope)]
    bound.update({kw.arg: [(kw.value, scope)] for kw in call.keywords if kw.arg})
    defaults = list(zip(positional[len(positional) - len(args.defaults):], args.defaults))
    defaults += [(p, d) for p, d in zip(args.kwonlyargs, args.kw_defaults) if d is not None]
    for parameter, default in defaults:
        bound.setdefault(parameter.arg, [(default, scope.module.scope)])
    return bound


def returned(function, scope):
    return [(node.value, scope) for node in own_nodes(function) if isinstance(node, ast.Return) and node.value]


def elements(expr, scope):
    """The rows of an iterable expression: [(expr, scope)] or Parts."""
    if isinstance(expr, (ast.List, ast.Tuple, ast.Set)):
        return [row for elt in expr.elts for row in (elements(elt.value, scope) if isinstance(elt, ast.Starred)
                                                     else [(elt, scope)])]
    if isinstance(expr, (ast.ListComp, ast.GeneratorExp, ast.SetComp)):
        return [(expr.elt, comprehension_scope(expr, scope))]
    if isinstance(expr, (ast.Dict, ast.DictComp)):
        return [key for key, _ in items(expr, scope)]
    if isinstance(expr, ast.BinOp) and isinstance(expr.op, ast.Add):
        return elements(expr.left, scope) + elements(expr.right, scope)
    if isinstance(expr, ast.IfExp):
        return elements(expr.body, scope) + elements(expr.orelse, scope)
    if isinstance(expr, ast.Subscript) and isinstance(expr.slice, ast.Slice):
        return elements(expr.value, scope)
    if isinstance(expr, ast.Name):
        rows = []
        for kind, value, s in scope.lookup(expr.id):
            rows += [(value, s)] if kind == "row" else elements(value, s)
        return rows
    if isinstance(expr, ast.Call):
        called = helper(expr, scope)
        if called:
            return [row for value in returned(*called) for row in elements(*value)]
        name = expr.func.id if isinstance(expr.func, ast.Name) else None
        if name == "zip":
            return [Parts(tuple(elements(arg, scope) for arg in expr.args))]
        if name == "enumerate" and expr.args:
            return [Parts(([], elements(expr.args[0], scope)))]
        if name in ("list", "tuple", "set", "sorted", "reversed") and expr.args:
            return elements(expr.args[0], scope)
        if isinstance(expr.func, ast.Attribute):
            found = items(expr.func.value, scope)
            if expr.func.attr == "items":
                return [Parts(([key for key, _ in found], [value for _, value in found]))]
            if expr.func.attr in ("keys", "values"):
                return [pair[expr.func.attr == "values"] for pair in found]
    return []


def items(expr, scope):
    """The (key, value) rows of a dict-like expression."""
    if isinstance(expr, ast.Dict):
        return [pair for key, value in zip(expr.keys, expr.values)
                for pair in (items(value, scope) if key is None else [((key, scope), (value, scope))])]
    if isinstance(expr, ast.DictComp):
        inner = comprehension_scope(expr, scope)
        return [((expr.key, inner), (expr.value, inner))]
    if isinstance(expr, (ast.IfExp, ast.BoolOp)):
        return [pair for side in ([expr.body, expr.orelse] if isinstance(expr, ast.IfExp) else expr.values)
                for pair in items(side, scope)]
    if isinstance(expr, ast.Name):
        return [pair for kind, value, s in scope.lookup(expr.id) if kind in VALUES for pair in items(value, s)]
    if isinstance(expr, ast.Call):
        called = helper(expr, scope)
        return [pair for value in returned(*called) for pair in items(*value)] if called else []
    return []


def texts(expr, scope, exact=False):
    """The strings `expr` can be. With `exact`, none unless every way to it gives a known string (an
    f-string's hole is filled in only then)."""
    every = all if exact else any

    def union(rows):
        found = [texts(e, s, exact) for e, s in rows]
        return [t for ts in found for t in ts] if found and every(found) else []

    if isinstance(expr, ast.Constant):
        return [expr.value] if isinstance(expr.value, str) else []
    if isinstance(expr, ast.JoinedStr):
        return fstring(expr, scope)
    if isinstance(expr, ast.BinOp) and isinstance(expr.op, ast.Add):
        left, right = texts(expr.left, scope, exact), texts(expr.right, scope, exact)
        if exact and not (left and right) or not (left or right):
            return []
        return [a + b for a, b in itertools.product(left or [HOLE], right or [HOLE])]
    if isinstance(expr, ast.IfExp):
        return union([(expr.body, scope), (expr.orelse, scope)])
    if isinstance(expr, ast.BoolOp):
        return union([(value, scope) for value in expr.values])
    if isinstance(expr, ast.Name):
        found = scope.lookup(expr.id)
        strings = union([(value, s) for kind, value, s in found if kind in VALUES])
        if exact and any(kind == "each" for kind, *_ in found) and len(set(strings)) > 1:
            return []  # a loop's target in a hole: which case the checker is at, not another message
        return strings
    if isinstance(expr, ast.Subscript) and not isinstance(expr.slice, ast.Slice):
        return union([value for _, value in items(expr.value, scope)])
    if isinstance(expr, ast.Call):
        called = helper(expr, scope)
        if called:
            return union(returned(*called))
        name = expr.func.id if isinstance(expr.func, ast.Name) else None
        if name == "next" and len(expr.args) == 2:
            return union(elements(expr.args[0], scope) + [(expr.args[1], scope)])
        if isinstance(expr.func, ast.Attribute) and expr.func.attr == "get" and len(expr.args) == 2:
            return union([value for _, value in items(expr.func.value, scope)] + [(expr.args[1], scope)])
    return []


def fstring(node, scope):
    """An f-string's texts: each hole filled in with every string it can be, or "…"."""
    holes = {}  # the same expression in two holes is the same string in both
    for value in node.values:
        if isinstance(value, ast.FormattedValue):
            key = ast.dump(value)
            if key not in holes:
                found = list(dict.fromkeys(texts(value.value, scope, exact=True)))
                holes[key] = [repr(t) if value.conversion == ord("r") else t for t in found] or [HOLE]
    while len(list(itertools.product(*holes.values()))) > MOST_VARIANTS:
        widest = max(holes, key=lambda k: len(holes[k]))
        holes[widest] = [HOLE]
    variants = []
    for choice in itertools.product(*holes.values()):
        filled = dict(zip(holes, choice))
        variants.append("".join(filled[ast.dump(v)] if isinstance(v, ast.FormattedValue) else v.value
                                for v in node.values))
    return variants


def in_order(node):
    """The nodes under `node`, in source order."""
    for child in ast.iter_child_nodes(node):
        yield child
        yield from in_order(child)


def is_checker_call(decorator):
    return isinstance(decorator, ast.Call) and isinstance(decorator.func, ast.Name) and decorator.func.id == "checker"


def is_checker(function):
    return any(map(is_checker_call, function.decorator_list))


class Reader:
    """Reads the messages of one module's checkers, with verdict.py's signatures to bind their calls."""

    def __init__(self, path, verdict=VERDICT):
        self.module = Module(path)
        self.verdict = Module(verdict).functions

    def must(self, found, node, what):
        if not found:
            raise Unreadable(f"{self.module.path}:{node.lineno}: cannot read the messages of {what}")
        return found

    def verdict_args(self, call, scope):
        name = self.module.verdict[call.func.id]
        return {parameter: bound[0] for parameter, bound in bind(self.verdict[name], call, scope).items()}

    def messages(self, function, scope, calling=()):
        found = []
        for node in in_order(function):
            if not (isinstance(node, ast.Call) and isinstance(node.func, ast.Name)):
                continue
            name = self.module.verdict.get(node.func.id)
            if name == "Hint":
                found += [Message(None, t) for t in self.must(texts(node.args[0], scope), node, "this Hint")]
            elif name == "call":
                notes = self.verdict_args(node, scope).get("notes")
                if notes and not (isinstance(notes[0], ast.Constant) and notes[0].value is None):
                    found += self.notes(node, *notes)
            elif name == "reject":
                args = self.verdict_args(node, scope)
                table = [t for row in elements(*args["mistakes"]) for part in component(row, 1)
                         for t in texts(*part)]
                found += [Message(None, t) for t in self.must(table, node, "reject's mistakes")]
                found += [Message("otherwise", t) for t in self.must(texts(*args["otherwise"]), node, "otherwise")]
            elif name == "multiple_choice":
                found += self.wrong_choices(node, self.verdict_args(node, scope))
            else:
                called = helper(node, scope)
                if called and called[0].name not in calling:
                    found += self.messages(called[0], called[1], calling + (called[0].name,))
        return found

    def notes(self, node, notes, scope):
        found = [Message(f"raises {start}", note) for key, value in items(notes, scope)
                 for start in texts(*key, exact=True)[:1] for note in texts(*value)]
        return self.must(found, node, "call's notes")

    def wrong_choices(self, node, args):
        choices = {key: text for k, v in items(*args["choices"]) for key in texts(*k, exact=True)
                   for text in texts(*v)[:1]}
        found = []
        for key, value in items(*args["wrong"]):
            letters = texts(*key, exact=True)  # several: the table is made for the answer, letter by letter
            if len(letters) != 1:
                label = "a wrong letter"
            else:
                label = f"({letters[0]}) “{choices[letters[0]]}”" if letters[0] in choices else f"({letters[0]})"
            found += [Message(f"answers {label}", t) for t in texts(*value)]
        return self.must(found, node, "multiple_choice's wrong answers")

    def checkers(self):
        """{name: Checker} of the module, in source order."""
        found = {}
        for function in self.module.functions.values():
            if is_checker(function):
                decorator = next(d for d in function.decorator_list if is_checker_call(d))
                praise = texts(decorator.args[0], self.module.scope)
                scope = Scope(self.module, function)
                found[function.name] = Checker(function.name, praise[0] if praise else "",
                                               tuple(dict.fromkeys(self.messages(function, scope))))
        return found


def checker_messages(path, verdict=VERDICT):
    """{checker name: Checker} of the module at `path`."""
    return Reader(path, verdict).checkers()


def general_messages(verdict=VERDICT):
    """The messages verdict.py's own helpers raise for any checker (pass the function itself, returns None,
    raised an error, the form of a multiple-choice answer), their holes as "…"."""
    module = Module(verdict)
    found = []
    for function in module.functions.values():
        scope = Scope(module, function)
        for node in in_order(function):
            if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id == "Hint":
                found += [t for t in texts(node.args[0], scope) if t.strip(HOLE + " ")]
    return list(dict.fromkeys(found))


if __name__ == "__main__":
    if len(sys.argv) < 2:
        sys.exit(__doc__)
    for module_path in sys.argv[1:]:
        for checker in checker_messages(module_path).values():
            print(f"{checker.name}: {checker.praise}")
            for message in checker.messages:
                print(f"    [{message.when}] {message.text}" if message.when else f"    {message.text}")
