#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* Prints paths relative to the starting folder, which differs between hosts. */
int main(void)
{
	char start[512], here[512];
	getcwd(start, sizeof start);
	mkdir("a", 0755);
	mkdir("a/b", 0755);
	printf("chdir %d\n", chdir("a/b"));
	getcwd(here, sizeof here);
	printf("below %s\n", strncmp(here, start, strlen(start)) == 0
	                         ? here + strlen(start)
	                         : "?");
	chdir("..");
	getcwd(here, sizeof here);
	printf("up %s\n", here + strlen(start));
	chdir(start);
	rmdir("a/b");
	rmdir("a");
	char small[2];
	printf("small buffer %s\n",
	       getcwd(small, sizeof small) == NULL ? "NULL" : "ok");
	return 0;
}
