"""toydet: a tiny detector project whose registry is a child of toycore's."""
