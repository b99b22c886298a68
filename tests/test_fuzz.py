"""Broken data never crashes a stage: random lines removed or garbled still give located diagnostics."""
from __future__ import annotations

import random

from conftest import MINIMAL

FILES = ["data/site.yaml", "data/categories.yaml", "data/units.yaml", "data/leaders.yaml", "data/experts.yaml",
         "data/pairings.yaml", "data/institutions.yaml", "data/services.yaml"]
GARBAGE = ["", "  x: 1", "- id: e1", "  start: 2030-01-01", "  tier: bureau", "  status: exited", "  unit: nowhere",
           "  categories: []", "  consent: {}", "  end: 2020-01-01", "  renews: p1", "  responsible: true", ":", "- 3"]


def test_random_damage_never_raises(project):
    rng = random.Random(2014)
    originals = {rel: (MINIMAL / rel).read_text(encoding="utf-8") for rel in FILES}
    for _ in range(150):
        rel = rng.choice(FILES)
        lines = originals[rel].splitlines()
        for _edit in range(rng.randint(1, 3)):
            i = rng.randrange(len(lines))
            if rng.random() < 0.5:
                del lines[i]
            else:
                lines[i] = rng.choice(GARBAGE)
            if not lines:
                lines = ["# 空"]
        project.write(rel, "\n".join(lines) + "\n")
        result = project.check()  # must not raise
        for d in result.diagnostics:
            assert d.location.path and d.code and d.message
        project.write(rel, originals[rel])
