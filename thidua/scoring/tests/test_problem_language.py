def test_problem_messages_follow_the_active_language():
    from django.utils import translation

    from thidua.scoring.calculation import Problem as ScoringProblem

    plain = [code for code, (vi, en) in ScoringProblem.catalogue.items() if "{" not in vi + en]
    assert plain, "the catalogue needs a message without parameters for this test"
    problem = ScoringProblem(code=plain[0], params={})
    vi, en = ScoringProblem.catalogue[plain[0]]
    with translation.override("en"):
        assert problem.message() == en
    with translation.override("vi"):
        assert problem.message() == vi
    assert problem.message("en") == en
