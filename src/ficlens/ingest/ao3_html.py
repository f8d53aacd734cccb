"""Placeholder until the reader lands."""


def matches(tree) -> bool:
    return False


def read(tree, path):
    raise NotImplementedError
