"""Data: the embedded benchmark, real-dataset adapters, face extraction, degradations, loading.

Every prepared dataset has one uniform format (:mod:`grnet.data.index`): a folder of images plus
``index.csv`` (``path,label,class,video,split``; label 1 = fake, 0 = real) and ``summary.json``.
"""
