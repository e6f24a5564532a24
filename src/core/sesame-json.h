/* sesame-json.h: the one way untrusted JSON enters Sesame
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <json-glib/json-glib.h>

G_BEGIN_DECLS

#define SESAME_JSON_ERROR (sesame_json_error_quark ())

typedef enum
{
  SESAME_JSON_ERROR_TOO_LARGE,
  SESAME_JSON_ERROR_NOT_TEXT,
  SESAME_JSON_ERROR_TOO_DEEP,
  SESAME_JSON_ERROR_SYNTAX,
} SesameJsonError;

#define SESAME_JSON_MAX_DEPTH         32
#define SESAME_JSON_MAX_SIZE_PLAN     (1024 * 1024)
#define SESAME_JSON_MAX_SIZE_CATALOG  (4 * 1024 * 1024)

GQuark     sesame_json_error_quark  (void);

gboolean   sesame_json_check_strict (const char  *data,
                                     gsize        length,
                                     GError     **error);
JsonNode  *sesame_json_parse_bytes  (GBytes      *bytes,
                                     gsize        max_size,
                                     GError     **error);
gboolean   sesame_json_get_string   (JsonObject  *object,
                                     const char  *member,
                                     const char **value);
char      *sesame_json_to_string    (JsonNode    *node);

/**
 * SesameJsonInvalidFunc:
 * @error: return location for a #GError
 * @path: where in the file, as "routers[3].admin_url"
 * @reason: what is wrong there, as "must be a string"
 *
 * How a module says that its data file breaks a rule: in its own error
 * domain and words. The member readers below call it on failure.
 *
 * Returns: %FALSE, always
 */
typedef gboolean (*SesameJsonInvalidFunc) (GError     **error,
                                           const char  *path,
                                           const char  *reason);

gboolean   sesame_json_read_string  (JsonObject             *object,
                                     const char             *member,
                                     const char             *path,
                                     gboolean                required,
                                     gsize                   max_length,
                                     char                  **out,
                                     SesameJsonInvalidFunc   invalid,
                                     GError                **error);
gboolean   sesame_json_read_boolean (JsonObject             *object,
                                     const char             *member,
                                     const char             *path,
                                     gboolean               *out,
                                     SesameJsonInvalidFunc   invalid,
                                     GError                **error);
gboolean   sesame_json_read_uint    (JsonObject             *object,
                                     const char             *member,
                                     const char             *path,
                                     guint                   max,
                                     guint                  *out,
                                     SesameJsonInvalidFunc   invalid,
                                     GError                **error);
gboolean   sesame_json_is_id        (const char             *text);

G_END_DECLS
