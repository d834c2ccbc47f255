/* <string.h>, <strings.h> and <ctype.h>. */
#define _GNU_SOURCE
#include <ctype.h>
#include <string.h>
#include <strings.h>
#include <stdlib.h>
#include "check.h"

void run_string(void)
{
	char buf[64];

	CHECK("strlen", strlen("hello") == 5 && strlen("") == 0);
	CHECK("strnlen", strnlen("hello", 3) == 3 && strnlen("hi", 10) == 2);
	CHECK("strcmp order", strcmp("abc", "abd") < 0 && strcmp("b", "a") > 0);
	CHECK("strcmp equal", strcmp("same", "same") == 0);
	CHECK("strncmp prefix", strncmp("abcdef", "abcxyz", 3) == 0);
	CHECK("strcasecmp", strcasecmp("HeLLo", "hello") == 0);
	CHECK("strncasecmp", strncasecmp("ABCd", "abce", 3) == 0);
	CHECK("strcpy", strcmp(strcpy(buf, "copy"), "copy") == 0);
	strcpy(buf, "ab");
	CHECK("strcat", strcmp(strcat(buf, "cd"), "abcd") == 0);
	CHECK("strncat", strcmp(strncat(buf, "efgh", 2), "abcdef") == 0);
	CHECK("strchr", strchr("hello", 'l') - "hello" == 2);
	CHECK("strchr nul", *strchr("abc", '\0') == '\0');
	CHECK("strrchr", strrchr("hello", 'l') - "hello" == 3);
	CHECK("strchr missing", strchr("abc", 'z') == 0);
	CHECK("strstr", strstr("haystack", "st") - "haystack" == 3);
	CHECK("strstr empty needle", strstr("abc", "") != 0);
	CHECK("strspn", strspn("aaabbc", "ab") == 5);
	CHECK("strcspn", strcspn("hello, world", ", ") == 5);
	CHECK("strpbrk", *strpbrk("hello", "lo") == 'l');
	char tok[] = "a,b,,c";
	char *save, *t1 = strtok_r(tok, ",", &save),
	            *t2 = strtok_r(0, ",", &save),
	            *t3 = strtok_r(0, ",", &save);
	CHECK("strtok_r", !strcmp(t1, "a") && !strcmp(t2, "b") &&
	                      !strcmp(t3, "c") && strtok_r(0, ",", &save) == 0);
	char *dup = strdup("duplicate");
	CHECK("strdup", dup && !strcmp(dup, "duplicate"));
	free(dup);
	char *ndup = strndup("duplicate", 3);
	CHECK("strndup", ndup && !strcmp(ndup, "dup"));
	free(ndup);
	memset(buf, 'x', 10);
	CHECK("memset", buf[0] == 'x' && buf[9] == 'x');
	CHECK("memcmp",
	      memcmp("abc", "abd", 3) < 0 && memcmp("ab", "ab", 2) == 0);
	memcpy(buf, "0123456789", 11);
	memmove(buf + 2, buf, 5);
	CHECK("memmove overlap", !memcmp(buf, "0101234789", 10));
	CHECK("memchr", (char *)memchr("abcdef", 'd', 6) - "abcdef" == 3);
	CHECK("memrchr", (char *)memrchr("abcabc", 'a', 6) - "abcabc" == 3);
	CHECK("memmem", (char *)memmem("abcdef", 6, "cde", 3) - "abcdef" == 2);
	CHECK("strlcpy truncates",
	      strlcpy(buf, "truncated", 5) == 9 && !strcmp(buf, "trun"));
	CHECK("stpcpy", stpcpy(buf, "end") == buf + 3);
	CHECK("strerror ENOENT",
	      !strcmp(strerror(2), "No such file or directory"));
	CHECK("isalpha", isalpha('a') && isalpha('Z') && !isalpha('1'));
	CHECK("isdigit", isdigit('7') && !isdigit('x'));
	CHECK("isspace", isspace(' ') && isspace('\n') && !isspace('a'));
	CHECK("isxdigit", isxdigit('f') && isxdigit('F') && !isxdigit('g'));
	CHECK("toupper/tolower", toupper('q') == 'Q' && tolower('Q') == 'q' &&
	                             toupper('1') == '1');
	CHECK("ffs", ffs(0) == 0 && ffs(8) == 4);
}
