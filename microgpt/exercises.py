"""Self-checking exercises: each `check_...` says right, or wrong with a hint (never the answer).

Every checker prints one verdict line and returns True or False, so a notebook cell shows the
verdict and a test can assert on it. Solutions live in notebooks/solutions/.
"""


def verdict(ok, praise, hint):
    """Print the verdict of a check and return whether it passed."""
    print(f"✅ Correct! {praise}" if ok else f"❌ Not yet. Hint: {hint}")
    return ok


# --- notebooks 00-02: welcome, data and tokenizer, counting baseline ---


# --- notebooks 03-04: autograd, building blocks ---
