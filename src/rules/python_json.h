// Python-compatible number formatting used by the rule JSON writer
// (docs/rules.md §3): SageMaker wrote the rule JSONs with Python's
// json.dumps, so floats appear as repr() and rounded values as round(x, n).
#ifndef SMR_SRC_RULES_PYTHON_JSON_H_
#define SMR_SRC_RULES_PYTHON_JSON_H_

#include <string>

namespace smr {

// repr(float) as json.dumps writes it: shortest round-trip digits, fixed
// notation for 1e-4 <= |x| < 1e16 (always with a fractional part: "1.0"),
// otherwise "1e+16" / "1.5e-05". NaN -> "NaN", ±inf -> "Infinity"/"-Infinity".
std::string PythonFloatRepr(double x);

// Python's round(x, ndigits) for floats: correctly rounded to the nearest
// decimal with ndigits fractional digits (ties resolved on the exact binary
// value), returned as the nearest double.
double PythonRound(double x, int ndigits);

// Rule parameter value as Python's f"{v}" prints what SageMaker passed:
// integral values as ints ("70"), others as repr ("0.2").
std::string FormatParamNumber(double v);

}  // namespace smr

#endif  // SMR_SRC_RULES_PYTHON_JSON_H_
