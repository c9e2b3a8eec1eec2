"""What the fixture scripts share: matrices as lists of rows in the library's layout."""


def rows(t):
    """A tensor as a list of rows: a vector as one row, a T x B x D sequence time-major as (T*B) x D."""
    t = t.detach()
    if t.dim() == 1:
        t = t.unsqueeze(0)
    if t.dim() == 3:
        t = t.reshape(-1, t.shape[-1])
    return t.tolist()
