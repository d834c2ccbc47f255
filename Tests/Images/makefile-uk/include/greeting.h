/* Boot-test fixture: a header found through APPMAKEFILEUK_CINCLUDES. */
#ifndef GREETING_H
#define GREETING_H

const char *greeting(void);

#endif /* GREETING_H */
