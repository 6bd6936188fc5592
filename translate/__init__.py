"""Offline machine translation: Argos Translate packages driven through CTranslate2.

Takes ``list[str]``, returns translations with scores; knows nothing of documents.
"""
