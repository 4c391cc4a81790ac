"""scikit-learn models exported by skl2onnx (the ai.onnx.ml operators: linear and SVM classifiers and regressors,
tree ensembles, Scaler, Normalizer, Binarizer, Imputer, OneHotEncoder, LabelEncoder, ZipMap, ...) run by `konnx run`
and compared with onnxruntime on the same model and with scikit-learn's own predictions.

Every model is trained on seeded data, exported with ZipMap (probabilities as a list of {label: probability} dicts,
which `konnx run --output-dir` writes as NAME.json) and, for classifiers, without it (a [N, classes] tensor, .npy).
The largest difference from onnxruntime per model is written to build/sklearn-ml/max_diff_vs_onnxruntime.txt.
"""

from __future__ import annotations

import json
import subprocess
import warnings
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import onnxruntime as ort
import pytest
from skl2onnx import to_onnx
from sklearn import compose, ensemble, impute, linear_model, neighbors, pipeline, preprocessing, svm, tree
from sklearn.datasets import make_classification, make_regression

import onnx

# konnx runs ai.onnx opsets up to 21; ai.onnx.ml 3 has the *_as_tensor tree attributes skl2onnx writes for doubles.
TARGET_OPSET = {"": 21, "ai.onnx.ml": 3}
ROWS = 200


def classification(classes: int, seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
    x, y = make_classification(
        n_samples=ROWS, n_features=6, n_informative=4, n_redundant=1, n_classes=classes, random_state=seed
    )
    return x.astype(np.float32), y


def regression(seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
    x, y = make_regression(n_samples=ROWS, n_features=6, noise=5.0, random_state=seed)
    return x.astype(np.float32), y / 50


@dataclass
class Case:
    """One model: how to train it, on which data, and how konnx must match."""

    build: Callable[[], Any]
    data: Callable[[], tuple[Any, np.ndarray]]
    regressor: bool = False
    labels: Callable[[np.ndarray], np.ndarray] | None = None  # maps y to other labels (strings)
    options: dict[str, Any] = field(default_factory=dict)
    proba_atol: float = 1e-4  # konnx vs scikit-learn (float32 ONNX vs float64 scikit-learn)
    zipmap: bool = True  # skl2onnx's zipmap option exists (LinearSVC has none: its scores are always a tensor)


def binary() -> tuple[np.ndarray, np.ndarray]:
    return classification(2)


def multiclass() -> tuple[np.ndarray, np.ndarray]:
    return classification(3)


def with_missing() -> tuple[np.ndarray, np.ndarray]:
    x, y = classification(3, seed=1)
    x[np.random.default_rng(0).random(x.shape) < 0.1] = np.nan
    return x, y


def regression_with_missing() -> tuple[np.ndarray, np.ndarray]:
    x, y = regression(seed=1)
    x[np.random.default_rng(1).random(x.shape) < 0.1] = np.nan
    return x, y


def mixed_columns() -> tuple[dict[str, np.ndarray], np.ndarray]:
    """Four numeric columns and a string one, each a [N, 1] input, for ColumnTransformer (scaler + one-hot)."""
    x, y = classification(3, seed=2)
    colour = np.array(["red", "green", "blue", "grey"])[(np.abs(x[:, 0]) * 3).astype(np.int64) % 4]
    columns = {name: x[:, i : i + 1] for i, name in enumerate("abcd")}
    return columns | {"colour": colour.reshape(-1, 1)}, y


def strings(y: np.ndarray) -> np.ndarray:
    return np.array(["cat", "dog", "eel", "fox"])[y]


def seeded(cls: type, **kwargs: Any) -> Callable[[], Any]:
    return lambda: cls(random_state=0, **kwargs)


def pipe(*steps: Any) -> Callable[[], Any]:
    return lambda: pipeline.make_pipeline(*steps)


def column_transformer_pipeline() -> Any:
    columns = compose.ColumnTransformer(
        [
            ("num", preprocessing.StandardScaler(), list("abcd")),
            ("colour", preprocessing.OneHotEncoder(), ["colour"]),
        ]
    )
    return pipeline.make_pipeline(columns, linear_model.LogisticRegression(max_iter=500))


CASES: dict[str, Case] = {
    # Linear models: LinearClassifier / LinearRegressor.
    "logistic_binary": Case(seeded(linear_model.LogisticRegression), binary),
    "logistic_multinomial": Case(seeded(linear_model.LogisticRegression), multiclass),
    "logistic_string_labels": Case(seeded(linear_model.LogisticRegression), multiclass, labels=strings),
    "linear_svc_binary": Case(seeded(svm.LinearSVC), binary, zipmap=False),
    "linear_svc_multiclass": Case(seeded(svm.LinearSVC), multiclass, zipmap=False),
    "linear_regression": Case(linear_model.LinearRegression, regression, regressor=True),
    "ridge": Case(linear_model.Ridge, regression, regressor=True),
    "linear_svr": Case(seeded(svm.LinearSVR), regression, regressor=True),
    # SVMs: SVMClassifier (one-vs-one votes, or Platt probabilities) / SVMRegressor.
    "svc_linear": Case(seeded(svm.SVC, kernel="linear"), multiclass),
    "svc_rbf": Case(seeded(svm.SVC, kernel="rbf"), multiclass),
    "svc_poly": Case(seeded(svm.SVC, kernel="poly", degree=3), multiclass),
    "svc_sigmoid": Case(seeded(svm.SVC, kernel="sigmoid", gamma=0.05), multiclass),
    "svc_rbf_binary": Case(seeded(svm.SVC, kernel="rbf"), binary),
    "svc_rbf_string_labels": Case(seeded(svm.SVC, kernel="rbf"), multiclass, labels=strings),
    "svc_linear_proba": Case(seeded(svm.SVC, kernel="linear", probability=True), multiclass, proba_atol=2e-3),
    "svc_rbf_proba": Case(seeded(svm.SVC, kernel="rbf", probability=True), multiclass, proba_atol=2e-3),
    "svc_poly_proba": Case(seeded(svm.SVC, kernel="poly", probability=True), multiclass, proba_atol=2e-3),
    "svc_sigmoid_proba": Case(
        seeded(svm.SVC, kernel="sigmoid", gamma=0.05, probability=True), multiclass, proba_atol=2e-3
    ),
    "svc_rbf_proba_binary": Case(seeded(svm.SVC, kernel="rbf", probability=True), binary, proba_atol=2e-3),
    "svr_rbf": Case(lambda: svm.SVR(kernel="rbf", C=10), regression, regressor=True),
    "svr_poly": Case(lambda: svm.SVR(kernel="poly", degree=2), regression, regressor=True),
    "nu_svr_linear": Case(lambda: svm.NuSVR(kernel="linear"), regression, regressor=True),
    # Trees: TreeEnsembleClassifier / TreeEnsembleRegressor.
    "decision_tree_classifier": Case(seeded(tree.DecisionTreeClassifier, max_depth=6), multiclass),
    "decision_tree_binary_strings": Case(seeded(tree.DecisionTreeClassifier, max_depth=5), binary, labels=strings),
    "random_forest_classifier": Case(seeded(ensemble.RandomForestClassifier, n_estimators=20), multiclass),
    "extra_trees_classifier": Case(seeded(ensemble.ExtraTreesClassifier, n_estimators=20), multiclass),
    "gradient_boosting_binary": Case(seeded(ensemble.GradientBoostingClassifier, n_estimators=30), binary),
    "gradient_boosting_multiclass": Case(seeded(ensemble.GradientBoostingClassifier, n_estimators=30), multiclass),
    "hist_gradient_boosting_classifier": Case(
        seeded(ensemble.HistGradientBoostingClassifier, max_iter=30), with_missing
    ),
    "hist_gradient_boosting_binary": Case(seeded(ensemble.HistGradientBoostingClassifier, max_iter=30), binary),
    "decision_tree_regressor": Case(seeded(tree.DecisionTreeRegressor, max_depth=6), regression, regressor=True),
    "random_forest_regressor": Case(
        seeded(ensemble.RandomForestRegressor, n_estimators=20), regression, regressor=True
    ),
    "extra_trees_regressor": Case(seeded(ensemble.ExtraTreesRegressor, n_estimators=20), regression, regressor=True),
    "gradient_boosting_regressor": Case(
        seeded(ensemble.GradientBoostingRegressor, n_estimators=30), regression, regressor=True
    ),
    "hist_gradient_boosting_regressor": Case(
        seeded(ensemble.HistGradientBoostingRegressor, max_iter=30), regression_with_missing, regressor=True
    ),
    # Neighbours (ONNX core ops: TopK, ArrayFeatureExtractor, ...).
    "knn_classifier": Case(lambda: neighbors.KNeighborsClassifier(n_neighbors=5), multiclass),
    "knn_regressor": Case(lambda: neighbors.KNeighborsRegressor(n_neighbors=5), regression, regressor=True),
    # Pipelines: Scaler, Normalizer, Binarizer, Imputer, OneHotEncoder, FeatureVectorizer, ...
    "standard_scaler_logistic": Case(
        pipe(preprocessing.StandardScaler(), linear_model.LogisticRegression(random_state=0)), multiclass
    ),
    "min_max_scaler_svc": Case(pipe(preprocessing.MinMaxScaler(), svm.SVC(random_state=0)), multiclass),
    "normalizer_logistic": Case(
        pipe(preprocessing.Normalizer(), linear_model.LogisticRegression(random_state=0)), multiclass
    ),
    "binarizer_tree": Case(
        pipe(preprocessing.Binarizer(threshold=0.2), tree.DecisionTreeClassifier(random_state=0)), binary
    ),
    "imputer_scaler_ridge": Case(
        pipe(impute.SimpleImputer(strategy="mean"), preprocessing.StandardScaler(), linear_model.Ridge()),
        regression_with_missing,
        regressor=True,
    ),
    "column_transformer_one_hot": Case(column_transformer_pipeline, mixed_columns),
}


def as_feeds(x: Any) -> dict[str, np.ndarray]:
    return x if isinstance(x, dict) else {"X": x}


def export(model: Any, x: Any, zipmap: bool) -> onnx.ModelProto:
    feeds = as_feeds(x)
    if not isinstance(x, dict):
        from skl2onnx.common.data_types import FloatTensorType

        initial = [("X", FloatTensorType([None, x.shape[1]]))]
    else:
        from skl2onnx.common.data_types import FloatTensorType, StringTensorType

        initial = [
            (name, StringTensorType([None, v.shape[1]]) if v.dtype.kind == "U" else FloatTensorType([None, v.shape[1]]))
            for name, v in feeds.items()
        ]
    options = {} if zipmap else {"zipmap": False}
    return to_onnx(model, initial_types=initial, target_opset=TARGET_OPSET, options=options)


def konnx_run(cli: Path, model_file: Path, feeds: dict[str, np.ndarray], out: Path) -> subprocess.CompletedProcess:
    args = [str(cli), "run", str(model_file), "-o", str(out)]
    for name, value in feeds.items():
        np.save(out.parent / f"{name}.npy", value)
        args += ["--input", f"{name}={out.parent / f'{name}.npy'}"]
    return subprocess.run(args, check=True, capture_output=True, text=True)


def read_output(out: Path, name: str) -> Any:
    """A konnx output as written by --output-dir: NAME.npy, or NAME.json for ZipMap's list of dicts."""
    if (out / f"{name}.json").exists():
        return json.loads((out / f"{name}.json").read_text())
    return np.load(out / f"{name}.npy")


def zipmap_as_matrix(rows: list[dict[Any, float]], labels: list[Any]) -> np.ndarray:
    return np.array([[row[label] for label in labels] for row in rows], dtype=np.float64)


MAX_DIFF: dict[str, float] = {}


@pytest.fixture(scope="module", autouse=True)
def report_max_diffs(build_dir: Path) -> Any:
    yield
    folder = build_dir / "sklearn-ml"
    folder.mkdir(exist_ok=True)
    lines = [f"{name}  {diff:.3g}" for name, diff in sorted(MAX_DIFF.items())]
    (folder / "max_diff_vs_onnxruntime.txt").write_text("\n".join(lines) + "\n")


@pytest.fixture(scope="module")
def trained() -> dict[str, tuple[Any, Any, np.ndarray]]:
    """Each case's model trained once: {name: (model, x, y)}."""
    return {}


def train(name: str, cache: dict[str, tuple[Any, Any, np.ndarray]]) -> tuple[Any, Any, np.ndarray]:
    if name not in cache:
        case = CASES[name]
        x, y = case.data()
        if case.labels is not None:
            y = case.labels(y)
        model = case.build()
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # convergence warnings of the small seeded fits
            model.fit(x if not isinstance(x, dict) else _frame(x), y)
        cache[name] = (model, x, y)
    return cache[name]


def _frame(x: dict[str, np.ndarray]) -> Any:
    """ColumnTransformer selects columns by name: a pandas frame of the named inputs."""
    import pandas as pd

    return pd.DataFrame({name: v[:, 0] for name, v in x.items()})


# Each classifier with ZipMap and without; regressors and LinearSVC (no ZipMap to leave out) once.
EXPORTS = [
    pytest.param(name, zipmap, id=f"{name}-{'zipmap' if zipmap else 'tensor'}")
    for name, case in sorted(CASES.items())
    for zipmap in (True, False)
    if zipmap or (case.zipmap and not case.regressor)
]


@pytest.mark.parametrize(("name", "zipmap"), EXPORTS)
def test_sklearn_model_matches_onnxruntime_and_sklearn(
    konnx_cli: Path, build_dir: Path, trained: dict, name: str, zipmap: bool
) -> None:
    case = CASES[name]
    model, x, y = train(name, trained)
    folder = build_dir / "sklearn-ml" / f"{name}_{'zipmap' if zipmap else 'tensor'}"
    folder.mkdir(parents=True, exist_ok=True)
    onx = export(model, x, zipmap or not case.zipmap)  # LinearSVC refuses the zipmap option
    model_file = folder / "model.onnx"
    model_file.write_bytes(onx.SerializeToString())
    feeds = as_feeds(x)
    session = ort.InferenceSession(model_file, providers=["CPUExecutionProvider"])
    want = dict(zip([o.name for o in session.get_outputs()], session.run(None, feeds), strict=True))
    out = folder / "out"
    konnx_run(konnx_cli, model_file, feeds, out)
    got = {name: read_output(out, name) for name in want}
    diff = compare(case, model, x, got, want)
    MAX_DIFF[name if case.regressor else f"{name} ({'zipmap' if zipmap else 'tensor'})"] = diff


def compare(case: Case, model: Any, x: Any, got: dict[str, Any], want: dict[str, Any]) -> float:
    """Asserts konnx's outputs equal onnxruntime's and scikit-learn's; returns the largest difference from
    onnxruntime."""
    sk_x = x if not isinstance(x, dict) else _frame(x)
    if case.regressor:
        (name,) = want
        np.testing.assert_allclose(got[name], want[name], rtol=1e-5, atol=1e-5)
        np.testing.assert_allclose(got[name].ravel(), model.predict(sk_x), rtol=1e-4, atol=1e-4)
        return float(np.abs(got[name] - want[name]).max())
    label_name, proba_name = list(want)
    labels = got[label_name]
    # onnxruntime returns string labels as an object array, konnx writes them as numpy's unicode strings.
    kind = "U" if want[label_name].dtype.kind == "O" else want[label_name].dtype.kind
    assert labels.shape == want[label_name].shape and labels.dtype.kind == kind
    np.testing.assert_array_equal(labels, want[label_name])
    np.testing.assert_array_equal(labels, model.predict(sk_x))
    classes = list(model.classes_)
    if isinstance(want[proba_name], list):  # ZipMap: a list of dicts, keys as JSON strings
        assert len(got[proba_name]) == len(want[proba_name])
        assert all(list(row) == [str(k) for k in row_want] for row, row_want in zip(got[proba_name], want[proba_name]))
        konnx_p = np.array([list(row.values()) for row in got[proba_name]])
        ort_p = zipmap_as_matrix(want[proba_name], list(want[proba_name][0]))
    else:
        konnx_p, ort_p = got[proba_name].astype(np.float64), want[proba_name].astype(np.float64)
        assert got[proba_name].dtype == want[proba_name].dtype
    np.testing.assert_allclose(konnx_p, ort_p, rtol=1e-5, atol=1e-5)
    if _is_decision_only(model):
        # Decision scores: [N, classes]; for two classes, s = decision_function as one column (LinearSVC) or as
        # skl2onnx's two columns [s, -s] (SVC), which onnxruntime gives too.
        scores = model.decision_function(sk_x)
        if scores.ndim == 1:
            scores = scores[:, None] if konnx_p.shape[1] == 1 else np.stack([scores, -scores], axis=1)
        np.testing.assert_allclose(konnx_p, scores, rtol=1e-4, atol=1e-4)
    else:
        assert konnx_p.shape[1] == len(classes)
        np.testing.assert_allclose(konnx_p, model.predict_proba(sk_x), atol=case.proba_atol)
    return float(np.abs(konnx_p - ort_p).max())


def _is_decision_only(model: Any) -> bool:
    """Models without probabilities (LinearSVC, SVC without probability=True): skl2onnx exports their decision
    function scores. (scikit-learn 1.9's SVC.probability defaults to the truthy string "deprecated", so ask the
    model itself.)"""
    return not hasattr(model, "predict_proba")
