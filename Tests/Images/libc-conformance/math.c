/* <math.h> and <fenv.h>. */
#define _GNU_SOURCE
#include <fenv.h>
#include <float.h>
#include <math.h>
#include "check.h"

static int near(double a, double b)
{
	return fabs(a - b) <= 1e-12 * (fabs(b) > 1 ? fabs(b) : 1);
}

void run_math(void)
{
	CHECK("sqrt", sqrt(2.0) == 1.4142135623730951);
	CHECK("sqrt negative is nan", isnan(sqrt(-1.0)));
	CHECK("pow", pow(2.0, 10.0) == 1024.0);
	CHECK("pow fractional", near(pow(27.0, 1.0 / 3.0), 3.0));
	CHECK("exp log", near(log(exp(2.5)), 2.5));
	CHECK("log10", log10(1000.0) == 3.0);
	CHECK("log2", log2(1024.0) == 10.0);
	CHECK("sin cos", near(sin(M_PI / 6), 0.5) && near(cos(M_PI / 3), 0.5));
	CHECK("tan atan", near(atan(tan(0.7)), 0.7));
	CHECK("atan2 quadrant", near(atan2(-1.0, -1.0), -3 * M_PI / 4));
	CHECK("floor ceil", floor(-1.5) == -2.0 && ceil(-1.5) == -1.0);
	CHECK("round trunc", round(2.5) == 3.0 && trunc(-2.7) == -2.0);
	CHECK("rint ties even", rint(2.5) == 2.0 && rint(3.5) == 4.0);
	CHECK("fmod", fmod(7.5, 2.0) == 1.5);
	CHECK("hypot", hypot(3.0, 4.0) == 5.0);
	CHECK("fabs copysign",
	      fabs(-3.0) == 3.0 && copysign(2.0, -0.0) == -2.0);
	int e;
	CHECK("frexp", frexp(8.0, &e) == 0.5 && e == 4);
	CHECK("ldexp", ldexp(0.75, 4) == 12.0);
	double ip;
	CHECK("modf", modf(3.75, &ip) == 0.75 && ip == 3.0);
	CHECK("isinf isnan", isinf(1.0 / 0.0) && isnan(NAN) && !isnan(1.0));
	CHECK("signbit", signbit(-0.0) && !signbit(0.0));
	CHECK("fmin fmax nan", fmin(NAN, 1.0) == 1.0 && fmax(2.0, NAN) == 2.0);
	CHECK("sinf float", fabsf(sinf(0.5f) - 0.47942554f) < 1e-6f);
	CHECK("expl long double",
	      fabsl(expl(1.0L) - 2.718281828459045235L) < 1e-15L);
	CHECK("DBL_EPSILON",
	      1.0 + DBL_EPSILON != 1.0 && 1.0 + DBL_EPSILON / 2 == 1.0);
	fesetround(FE_UPWARD);
	volatile double third = 1.0;
	double up = third / 3.0;
	fesetround(FE_TONEAREST);
	CHECK("fesetround upward",
	      up > 1.0 / 3.0 && fegetround() == FE_TONEAREST);
	feclearexcept(FE_ALL_EXCEPT);
	volatile double zero = 0.0;
	volatile double inf = 1.0 / zero;
	CHECK("fetestexcept divbyzero",
	      isinf(inf) && fetestexcept(FE_DIVBYZERO));
}
