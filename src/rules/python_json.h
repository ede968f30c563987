// Python-compatible number formatting used by the rule JSON writer
// (docs/rules.md §3): SageMaker wrote the rule JSONs with Python's
// json.dumps, so floats appear as repr() and rounded values as round(x, n)
// of numpy scalars.
#ifndef SMR_SRC_RULES_PYTHON_JSON_H_
#define SMR_SRC_RULES_PYTHON_JSON_H_

#include <string>

namespace smr {

// repr(float) as json.dumps writes it: shortest round-trip digits, fixed
// notation for 1e-4 <= |x| < 1e16 (always with a fractional part: "1.0"),
// otherwise "1e+16" / "1.5e-05". NaN -> "NaN", ±inf -> "Infinity"/"-Infinity".
std::string PythonFloatRepr(double x);

// round(x, ndigits) of a numpy float64, which is what SageMaker's rules
// round (np.max, np.quantile and np.std return numpy scalars): numpy.round
// computes rint(x * 10^ndigits) / 10^ndigits in doubles, ties to even on the
// scaled value. This differs from Python's round() of a float, which rounds
// the exact binary value: round(60.005, 2) is 60.01 for a float but 60.0 for
// a numpy float64 (60.005 * 100 is exactly 6000.5 in doubles).
double NumpyRound(double x, int ndigits);

// Rule parameter value as Python's f"{v}" prints what SageMaker passed:
// integral values as ints ("70"), others as repr ("0.2").
std::string FormatParamNumber(double v);

}  // namespace smr

#endif  // SMR_SRC_RULES_PYTHON_JSON_H_
