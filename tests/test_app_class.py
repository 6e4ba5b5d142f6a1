"""The Flask class the app is made from."""


def test_a_sync_function_is_used_as_it_is_and_checked_once(app, monkeypatch):
    import inspect

    calls = []
    real = inspect.iscoroutinefunction
    monkeypatch.setattr(inspect, "iscoroutinefunction", lambda f: calls.append(f) or real(f))

    def view():
        return "ok"

    assert app.ensure_sync(view) is view
    assert app.ensure_sync(view) is view
    assert calls == [view]


def test_a_coroutine_function_is_still_made_to_run_synchronously(app):
    async def view():
        return "ok"

    try:
        wrapped = app.ensure_sync(view)
    except RuntimeError as error:  # Flask's answer when its async extra is not installed
        assert "async" in str(error)
        return
    assert wrapped is not view
    assert wrapped() == "ok"
