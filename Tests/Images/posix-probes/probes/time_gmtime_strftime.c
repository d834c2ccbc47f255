#include <stdio.h>
#include <time.h>

int main(void)
{
	time_t t = 1700000000;
	struct tm tm;
	gmtime_r(&t, &tm);
	char text[64];
	strftime(text, sizeof text, "%Y-%m-%d %H:%M:%S %a %j", &tm);
	printf("%s\n", text);
	printf("timegm %lld\n", (long long)timegm(&tm));
	tm.tm_mday += 40;
	t = timegm(&tm);
	gmtime_r(&t, &tm);
	strftime(text, sizeof text, "%F %T", &tm);
	printf("normalised %s\n", text);
	return 0;
}
