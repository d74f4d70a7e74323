"""The gunicorn settings both services load (musica_kit.gunicorn_conf)."""

import gc

from musica_kit import gunicorn_conf


def test_a_worker_freezes_what_it_loaded_before_serving():
    before = gc.get_freeze_count()
    threshold = gc.get_threshold()
    gc.collect()
    try:
        gunicorn_conf.post_worker_init(worker=None)
        frozen = gc.get_freeze_count()
        assert frozen > before
        # Frozen objects are left out of every collection: a full one no longer walks them.
        assert len(gc.get_objects(generation=2)) < frozen
        # The young generation is collected every GC_THRESHOLD[0] new objects, not every 700.
        assert gc.get_threshold() == gunicorn_conf.GC_THRESHOLD
        assert gunicorn_conf.GC_THRESHOLD[0] > threshold[0]
    finally:
        gc.unfreeze()
        gc.set_threshold(*threshold)
