# Everyday commands. `make run` starts the app; `make test` is the command CI runs.
.PHONY: install run test lint bench

install:
	python -m pip install -r requirements.txt -r requirements-test.txt

run:
	streamlit run app.py

test:
	python -m pytest -q

lint:
	ruff check .

bench:
	python bench/cnn.py
	python bench/rnn_classifier.py
	python bench/rnn_regression.py
	python bench/playground.py
	python bench/export.py
	python bench/timeline.py
	python bench/history.py
	python bench/downloads.py
