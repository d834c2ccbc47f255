#include <stdio.h>
#include <string.h>
#include <strings.h>

/* No _GNU_SOURCE: strtok_r and strncasecmp are visible in the default dialect.
 */
int main(void)
{
	char text[] = "alpha,beta;;gamma";
	char *save;
	for (char *tok = strtok_r(text, ",;", &save); tok;
	     tok = strtok_r(NULL, ",;", &save))
		printf("[%s]", tok);
	printf("\n");
	printf("strncasecmp %d %d\n", strncasecmp("HeLLo", "hello", 5),
	       strncasecmp("abc", "abd", 2));
	printf("strcasecmp %d\n", strcasecmp("Kraft", "KRAFT"));
	char *dup = strdup("copy");
	printf("strdup %s strndup %s\n", dup, strndup("truncate", 5));
	char buf[8];
	memmove(buf, "overlap", 8);
	memmove(buf + 1, buf, 6);
	printf("memmove %s\n", buf);
	printf("strspn %zu strcspn %zu\n", strspn("aaab", "a"),
	       strcspn("abc;d", ";"));
	return 0;
}
