"""Synthetic shared data at any size: realistic, valid, unique and reproducible from a seed.

``source.Synthesizer`` turns (seed, index) into one person or one unit, with no database
and no state, so any slice of the N people can be made in any order; ``shareddata.services``
streams slices into the database. Used by `kuaiban shareddata_generate` and the benchmark.
"""
