"""Streamlit building blocks shared by the pages: translation, sidebar controls, datasets,
and the Train / Stop / Continue / Reset machinery. Training math stays in core/."""
