/*
 * Files from the rootfs: kraft build packs ./rootfs into a cpio initrd, the
 * kernel unpacks it at / at boot. Reads a text file line by line, lists a
 * directory, then writes, renames and removes a file of its own in /tmp,
 * which the rootfs also has (with a file in it).
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

int main(void)
{
	char line[128];
	int lines = 0;
	FILE *f = fopen("/etc/motd", "r");
	if (!f) {
		perror("/etc/motd");
		return 1;
	}
	while (fgets(line, sizeof(line), f)) {
		printf("motd: %s", line);
		lines++;
	}
	fclose(f);

	DIR *d = opendir("/data");
	struct dirent *e;
	int files = 0;
	if (!d) {
		perror("/data");
		return 1;
	}
	while ((e = readdir(d)))
		if (e->d_name[0] != '.') {
			struct stat st;
			char path[300];
			snprintf(path, sizeof(path), "/data/%s", e->d_name);
			stat(path, &st);
			printf("/data/%s: %lld bytes\n", e->d_name,
			       (long long)st.st_size);
			files++;
		}
	closedir(d);

	char kept[64] = "";
	f = fopen("/tmp/cache.txt", "r");
	if (!f || !fgets(kept, sizeof(kept), f)) {
		perror("/tmp/cache.txt");
		return 1;
	}
	fclose(f);
	printf("/tmp/cache.txt: %s", kept);

	f = fopen("/tmp/note", "w");
	if (!f) {
		perror("/tmp/note");
		return 1;
	}
	fprintf(f, "written at run time\n");
	fclose(f);
	rename("/tmp/note", "/note");
	f = fopen("/note", "r");
	fgets(line, sizeof(line), f);
	fclose(f);
	unlink("/note");
	if (lines != 2 || files != 2 || strcmp(line, "written at run time\n") ||
	    access("/note", F_OK) == 0)
		return 1;
	puts("rootfs: ok");
	return 0;
}
