"""The minimal fixture is valid: every failing case elsewhere differs from it by one edit."""
from __future__ import annotations


def test_minimal_project_has_no_diagnostics(project):
    assert project.lines() == []


def test_scalars_reach_the_model_as_written(project):
    result = project.check()
    expert = result.project.get("experts", "e1")
    assert expert.contact.mobile == "013912345678"
    assert expert.id_number == "010101195001010011"
    assert result.project.site.hotlines[0].phone == "023-69077236"
    assert result.project.get("institutions", "center").hours == "工作日 9:00—17:00"


def test_every_record_remembers_its_place(project):
    result = project.check()
    pairing = result.project.get("pairings", "p3")
    assert str(pairing.location) == "data/pairings.yaml:13:3"
    assert str(pairing.where("end")) == "data/pairings.yaml:17:8"
    assert str(pairing.consent.where("expert")) == "data/pairings.yaml:18:41"
