"""portal/settings.py: the SECRET_KEY it generates when none is set."""

import multiprocessing
import stat


def _read_key(path, barrier, results):
    from portal.settings import local_secret_key

    barrier.wait()
    results.put(local_secret_key(path))


def test_workers_starting_together_agree_on_one_generated_key(tmp_path):
    # The race lost about 2 trials in 15 before the fix: 10 trials of 8 workers each.
    context = multiprocessing.get_context("fork")
    for trial in range(10):
        path = tmp_path / str(trial) / "secret_key"
        barrier, results = context.Barrier(8), context.Queue()
        workers = [
            context.Process(target=_read_key, args=(path, barrier, results)) for _ in range(8)
        ]
        for worker in workers:
            worker.start()
        keys = {results.get(timeout=30) for _ in workers}
        for worker in workers:
            worker.join()
        assert len(keys) == 1 and len(keys.pop()) == 64
        assert stat.S_IMODE(path.stat().st_mode) == 0o600
        assert [p.name for p in path.parent.iterdir()] == ["secret_key"]  # no leftovers
