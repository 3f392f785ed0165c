"""The reproduction pipeline, one layer above training: what ``params.yaml`` asks for
(:mod:`~grnet.pipeline.params`), the runs Tables I-IX need (:mod:`~grnet.pipeline.tables`,
:mod:`~grnet.pipeline.paper`, :mod:`~grnet.pipeline.plan`), training them once each
(:mod:`~grnet.pipeline.schedule`, :mod:`~grnet.pipeline.experiments`), the results they give
(:mod:`~grnet.pipeline.collect`, :mod:`~grnet.pipeline.stats`) and the report beside the paper
(:mod:`~grnet.pipeline.reporting`).

Importing this package imports none of its modules (nor torch).
"""
