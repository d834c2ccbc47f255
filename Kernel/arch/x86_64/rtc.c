/*
 * Wall clock from the CMOS RTC (MC146818), read once at boot. Firecracker
 * has no RTC; the ports then read 0xff and the wall clock starts at 0.
 */
#include <kraft/arch.h>
#include <x86/cpu.h>
#include <x86/x86.h>

#define CMOS_INDEX 0x70
#define CMOS_DATA  0x71

static uint8_t cmos_read(uint8_t reg)
{
	outb(CMOS_INDEX, reg | 0x80); /* bit 7 keeps NMIs disabled */
	return inb(CMOS_DATA);
}

static unsigned bcd(uint8_t v, int binary)
{
	return binary ? v : (v >> 4) * 10 + (v & 0xf);
}

/* Days from 1970-01-01 to y-m-d (proleptic Gregorian). */
static uint64_t days_from_civil(unsigned y, unsigned m, unsigned d)
{
	y -= m <= 2;
	unsigned era = y / 400;
	unsigned yoe = y - era * 400;
	unsigned doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
	unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return (uint64_t)era * 146097 + doe - 719468;
}

uint64_t x86_rtc_read_epoch(void)
{
	if (cmos_read(0x0a) == 0xff)
		return 0; /* no RTC */
	for (int tries = 0; tries < 1000000 && (cmos_read(0x0a) & 0x80);
	     tries++)
		cpu_relax(); /* an update is in progress */

	uint8_t status_b = cmos_read(0x0b);
	int binary = status_b & 0x04;
	unsigned sec = bcd(cmos_read(0x00), binary);
	unsigned min = bcd(cmos_read(0x02), binary);
	uint8_t hour_raw = cmos_read(0x04);
	unsigned day = bcd(cmos_read(0x07), binary);
	unsigned mon = bcd(cmos_read(0x08), binary);
	unsigned year = bcd(cmos_read(0x09), binary) + 2000;
	unsigned hour = bcd(hour_raw & 0x7f, binary);

	if (!(status_b & 0x02) && (hour_raw & 0x80))
		hour = (hour % 12) + 12; /* 12-hour mode, PM */
	else if (!(status_b & 0x02) && hour == 12)
		hour = 0;
	if (mon < 1 || mon > 12 || day < 1 || day > 31)
		return 0;
	return days_from_civil(year, mon, day) * 86400 + hour * 3600 +
	       min * 60 + sec;
}

uint64_t arch_wall_clock_at_boot_ns(void)
{
	return x86_rtc_read_epoch() * 1000000000ULL;
}
