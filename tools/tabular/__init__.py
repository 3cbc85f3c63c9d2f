"""Explaining classifiers over tables: the parts of an input are its features, not its words.

`schema.py` says what each feature is (numeric, categorical, boolean; observed values),
`contributions.py` attributes a row's prediction to its features (SHAP), `edits.py` applies
what-if edits, `search.py` finds verified counterfactuals, `conditions.py` filters rows on
feature conditions, `importance.py` ranks features over many rows, `stats.py` describes them
and `interactions.py` measures how two features act together. `demo.py` builds the demo model.
"""
