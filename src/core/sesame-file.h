/* sesame-file.h: the one way Sesame reads a file and the one way it replaces one
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

#define SESAME_FILE_ERROR (sesame_file_error_quark ())

typedef enum
{
  SESAME_FILE_ERROR_NOT_REGULAR,
  SESAME_FILE_ERROR_SYMLINK,
  SESAME_FILE_ERROR_TOO_LARGE,
} SesameFileError;

/* The largest file Sesame reads: a plan or a probe report */
#define SESAME_FILE_MAX_SIZE (1024 * 1024)

GQuark    sesame_file_error_quark (void);

GBytes   *sesame_file_read        (const char  *path,
                                   gsize        max_size,
                                   GError     **error);
char     *sesame_file_read_text   (const char  *path,
                                   gsize        max_size,
                                   GError     **error);
gboolean  sesame_file_replace     (const char  *path,
                                   const void  *data,
                                   gsize        length,
                                   guint        new_mode,
                                   GError     **error);
gboolean  sesame_file_is_temporary (const char *name,
                                    const char *base);

G_END_DECLS
