"""Where documents are processed: in this process, in a pool of local processes, or on Dask.

Every engine takes the files lazily and keeps a bounded number in flight, so memory does not
grow with the size of the batch, and yields each result as soon as it is done. A worker that
dies or a task that fails becomes an ``error`` outcome for that file; the batch goes on.
"""

from __future__ import annotations

import concurrent.futures as cf
from collections.abc import Iterable, Iterator
from pathlib import Path

from pipeline.process import DocumentOutcome, DocumentResult, WorkOptions, process_file

ENGINES = ("local", "dask")


class EngineError(RuntimeError):
    """The engine could not start (e.g. no Dask scheduler at the address given)."""


def run_documents(
    paths: Iterable[str], options: WorkOptions, *, engine: str = "local", workers: int = 1,
    scheduler: str | None = None,
) -> Iterator[DocumentResult]:
    """Process every file with the chosen engine; results come in order of completion."""
    if engine == "local":
        if workers <= 1:
            return (process_file(p, options) for p in paths)
        return _process_pool(paths, options, workers)
    if engine == "dask":
        return _dask(paths, options, workers, scheduler)
    raise EngineError(f"unknown engine {engine!r}; choose one of {', '.join(ENGINES)}")


def _failed(path: str, why: str) -> DocumentResult:
    return DocumentResult(DocumentOutcome(path, Path(path).stem, "error", message=f"{path}: {why}"))


def _process_pool(paths: Iterable[str], options: WorkOptions, workers: int) -> Iterator[DocumentResult]:
    pending = iter(paths)
    in_flight: dict[cf.Future[DocumentResult], str] = {}
    pool = cf.ProcessPoolExecutor(max_workers=workers)
    try:
        while True:
            while len(in_flight) < 2 * workers:
                path = next(pending, None)
                if path is None:
                    break
                in_flight[pool.submit(process_file, path, options)] = path
            if not in_flight:
                return
            done, _ = cf.wait(in_flight, return_when=cf.FIRST_COMPLETED)
            for future in done:
                if future not in in_flight:  # already reported when the pool broke
                    continue
                path = in_flight.pop(future)
                try:
                    yield future.result()
                except cf.process.BrokenProcessPool:
                    # a worker died (out of memory, a crash in a native library): the files in
                    # flight are lost to this pool; report them and carry on with a new pool
                    yield _failed(path, "the worker process processing it died")
                    for other in list(in_flight):
                        yield _failed(in_flight.pop(other), "the worker pool broke while processing it")
                    pool.shutdown(cancel_futures=True)
                    pool = cf.ProcessPoolExecutor(max_workers=workers)
                except Exception as exc:  # an unexpected fault inside the worker
                    yield _failed(path, f"processing failed ({type(exc).__name__}: {exc})")
    finally:
        pool.shutdown(cancel_futures=True)


def _dask(
    paths: Iterable[str], options: WorkOptions, workers: int, scheduler: str | None
) -> Iterator[DocumentResult]:
    try:
        from distributed import Client, LocalCluster, as_completed
    except ImportError as exc:  # pragma: no cover - distributed is a dependency
        raise EngineError("the dask engine needs the 'distributed' package") from exc
    cluster = None
    try:
        if scheduler:
            client = Client(scheduler, timeout="20s")
        else:
            cluster = LocalCluster(n_workers=max(1, workers), threads_per_worker=1, processes=True,
                                   dashboard_address=None)
            client = Client(cluster)
    except (OSError, TimeoutError) as exc:
        raise EngineError(f"cannot reach the Dask scheduler at {scheduler}: {exc}") from exc
    limit = 2 * max(1, workers if not scheduler else sum(client.nthreads().values()))
    pending = iter(paths)
    queue = as_completed()
    owner: dict[object, str] = {}
    try:
        for path in pending:
            future = client.submit(process_file, path, options, pure=False)
            owner[future.key] = path
            queue.add(future)
            if queue.count() >= limit:
                break
        for future in queue:
            path = owner.pop(future.key)
            try:
                yield future.result()
            except Exception as exc:  # the task raised or its worker died
                yield _failed(path, f"processing failed on a Dask worker ({type(exc).__name__}: {exc})")
            nxt = next(pending, None)
            if nxt is not None:
                new = client.submit(process_file, nxt, options, pure=False)
                owner[new.key] = nxt
                queue.add(new)
    finally:
        client.close()
        if cluster is not None:
            cluster.close()
