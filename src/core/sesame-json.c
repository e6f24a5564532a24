/* sesame-json.c: the one way untrusted JSON enters Sesame
 *
 * Plans, catalogs, saved probe results and HTTP answers are read by
 * sesame_json_parse_bytes (), in this order:
 *
 *   - size, NUL bytes, UTF-8 and nesting depth, on the raw bytes;
 *   - a strict scan against the JSON grammar (sesame_json_check_strict ()):
 *     json-glib alone takes comments, keeps the last of two members of one
 *     name and ignores whatever follows the first value. The scan refuses
 *     them, and \u0000 and lone surrogates, with a line and a column;
 *   - json-glib builds the tree, and every string is checked to be UTF-8.
 *
 * sesame_json_get_string () and sesame_json_to_string () help the readers
 * and writers of those files; sesame_json_read_string (), _boolean (),
 * _uint () and sesame_json_is_id () are the member readers Sesame's own
 * data files (the catalogs, the transition rule table) share, each module
 * reporting in its own words through a #SesameJsonInvalidFunc.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "sesame-json"

#include "config.h"

#include <string.h>

#include <glib/gi18n-lib.h>

#include "sesame-json.h"

G_DEFINE_QUARK (sesame-json-error-quark, sesame_json_error)

/* json-glib parses recursively; refuse deep nesting before it sees the data. */
static gboolean
nesting_within (const char *data,
                gsize       length,
                guint       max_depth)
{
  gboolean in_string = FALSE;
  guint depth = 0;

  for (gsize i = 0; i < length; i++)
    {
      char c = data[i];

      if (in_string)
        {
          if (c == '\\')
            i++;
          else if (c == '"')
            in_string = FALSE;
        }
      else if (c == '"')
        in_string = TRUE;
      else if (c == '[' || c == '{')
        {
          if (++depth > max_depth)
            return FALSE;
        }
      else if ((c == ']' || c == '}') && depth > 0)
        depth--;
    }

  return TRUE;
}

/* json-glib turns an escaped lone surrogate ("\udfa0") into bytes that are
 * not UTF-8; no string from here may carry them. Depth is bounded already. */
static gboolean
strings_are_utf8 (JsonNode *node)
{
  switch (json_node_get_node_type (node))
    {
    case JSON_NODE_OBJECT:
      {
        JsonObjectIter iter;
        const char *name;
        JsonNode *value;

        json_object_iter_init (&iter, json_node_get_object (node));
        while (json_object_iter_next (&iter, &name, &value))
          if (!g_utf8_validate (name, -1, NULL) || !strings_are_utf8 (value))
            return FALSE;
        return TRUE;
      }

    case JSON_NODE_ARRAY:
      {
        JsonArray *array = json_node_get_array (node);

        for (guint i = 0; i < json_array_get_length (array); i++)
          if (!strings_are_utf8 (json_array_get_element (array, i)))
            return FALSE;
        return TRUE;
      }

    case JSON_NODE_VALUE:
      return json_node_get_value_type (node) != G_TYPE_STRING ||
             g_utf8_validate (json_node_get_string (node), -1, NULL);

    case JSON_NODE_NULL:
    default:
      return TRUE;
    }
}

/* The strict reading: json-glib accepts comments, keeps the last of two
 * members of the same name and ignores what follows the first value (a
 * second plan pasted after the first). This scanner checks the bytes
 * against the JSON grammar (RFC 8259) first, and says where it fails. */

typedef struct
{
  const char  *data;
  gsize        length;
  gsize        pos;
  GError     **error;
} Scanner;

/* Line and column (in characters) of @pos, both from 1 */
static void
scanner_place (const Scanner *s,
               gsize          pos,
               guint         *line,
               guint         *column)
{
  *line = 1;
  *column = 1;

  for (gsize i = 0; i < pos && i < s->length; i++)
    {
      if (s->data[i] == '\n')
        {
          (*line)++;
          *column = 1;
        }
      else if (((guchar) s->data[i] & 0xc0) != 0x80)
        (*column)++;
    }
}

static gboolean
scanner_fail (Scanner    *s,
              gsize       pos,
              const char *reason)
{
  guint line, column;

  scanner_place (s, pos, &line, &column);
  /* Translators: the reason is one of the messages below, such as "comments are not allowed" */
  g_set_error (s->error, SESAME_JSON_ERROR, SESAME_JSON_ERROR_SYNTAX,
               _("the file is not valid JSON (line %u, column %u: %s)"), line, column, reason);
  return FALSE;
}

/* The character at @pos for a message: itself, or U+XXXX when invisible */
static char *
scanner_character (const Scanner *s,
                   gsize          pos)
{
  gunichar c = g_utf8_get_char_validated (s->data + pos, (gssize) (s->length - pos));

  if (c == (gunichar) -1 || c == (gunichar) -2)
    return g_strdup_printf ("\\x%02X", (guchar) s->data[pos]);
  if (!g_unichar_isgraph (c))
    return g_strdup_printf ("U+%04X", (guint) c);

  return g_ucs4_to_utf8 (&c, 1, NULL, NULL, NULL);
}

static gboolean
scanner_unexpected (Scanner *s)
{
  g_autofree char *character = NULL;
  g_autofree char *reason = NULL;

  if (s->pos >= s->length)
    return scanner_fail (s, s->pos, _("the data ends too early"));

  character = scanner_character (s, s->pos);
  reason = g_strdup_printf (_("unexpected character “%s”"), character);
  return scanner_fail (s, s->pos, reason);
}

static gboolean
scanner_skip_space (Scanner *s)
{
  while (s->pos < s->length)
    {
      char c = s->data[s->pos];

      if (c == ' ' || c == '\t' || c == '\n' || c == '\r')
        s->pos++;
      else if (c == '/' && s->pos + 1 < s->length &&
               (s->data[s->pos + 1] == '*' || s->data[s->pos + 1] == '/'))
        return scanner_fail (s, s->pos, _("comments are not allowed"));
      else if (c == '#')
        return scanner_fail (s, s->pos, _("comments are not allowed"));
      else
        break;
    }

  return TRUE;
}

static gboolean
scanner_hex4 (Scanner  *s,
              gsize     pos,
              gunichar *unit)
{
  *unit = 0;

  if (pos + 4 > s->length)
    return FALSE;

  for (guint i = 0; i < 4; i++)
    {
      int digit = g_ascii_xdigit_value (s->data[pos + i]);

      if (digit < 0)
        return FALSE;
      *unit = (*unit << 4) | (gunichar) digit;
    }

  return TRUE;
}

/* A string, decoded into @text when given (member names are compared) */
static gboolean
scanner_string (Scanner *s,
                GString *text)
{
  g_assert (s->data[s->pos] == '"');
  s->pos++;

  while (s->pos < s->length)
    {
      guchar c = (guchar) s->data[s->pos];

      if (c == '"')
        {
          s->pos++;
          return TRUE;
        }

      if (c < 0x20)
        return scanner_fail (s, s->pos, _("a control character in a string must be written as an escape, such as \\n"));

      if (c != '\\')
        {
          if (text != NULL)
            g_string_append_c (text, (char) c);
          s->pos++;
          continue;
        }

      if (s->pos + 1 >= s->length)
        break;

      switch (s->data[s->pos + 1])
        {
        case '"': case '\\': case '/': case 'b': case 'f': case 'n': case 'r': case 't':
          if (text != NULL)
            {
              static const char from[] = "\"\\/bfnrt";
              static const char to[] = "\"\\/\b\f\n\r\t";

              g_string_append_c (text, to[strchr (from, s->data[s->pos + 1]) - from]);
            }
          s->pos += 2;
          break;

        case 'u':
          {
            gunichar unit, low;

            if (!scanner_hex4 (s, s->pos + 2, &unit))
              return scanner_fail (s, s->pos, _("a \\u escape needs four hexadecimal digits"));

            if (unit == 0)
              return scanner_fail (s, s->pos, _("\\u0000 (NUL) is not allowed in a string"));

            if (unit >= 0xdc00 && unit <= 0xdfff)
              return scanner_fail (s, s->pos, _("a lone surrogate (\\uD800 to \\uDFFF) is not a character"));

            if (unit >= 0xd800 && unit <= 0xdbff)
              {
                if (s->pos + 12 > s->length || s->data[s->pos + 6] != '\\' || s->data[s->pos + 7] != 'u' ||
                    !scanner_hex4 (s, s->pos + 8, &low) || low < 0xdc00 || low > 0xdfff)
                  return scanner_fail (s, s->pos, _("a lone surrogate (\\uD800 to \\uDFFF) is not a character"));
                unit = 0x10000 + ((unit - 0xd800) << 10) + (low - 0xdc00);
                s->pos += 6;
              }

            if (text != NULL)
              g_string_append_unichar (text, unit);
            s->pos += 6;
            break;
          }

        default:
          return scanner_fail (s, s->pos, _("unknown escape in a string"));
        }
    }

  return scanner_fail (s, s->length, _("the data ends too early"));
}

static gboolean
scanner_digits (Scanner *s)
{
  gsize start = s->pos;

  while (s->pos < s->length && g_ascii_isdigit (s->data[s->pos]))
    s->pos++;

  return s->pos > start;
}

static gboolean
scanner_number (Scanner *s)
{
  gsize start = s->pos;

  if (s->data[s->pos] == '-')
    s->pos++;

  if (s->pos < s->length && s->data[s->pos] == '0')
    s->pos++;
  else if (!scanner_digits (s))
    return scanner_fail (s, start, _("a number is not written as JSON writes numbers"));

  if (s->pos < s->length && s->data[s->pos] == '.')
    {
      s->pos++;
      if (!scanner_digits (s))
        return scanner_fail (s, start, _("a number is not written as JSON writes numbers"));
    }

  if (s->pos < s->length && (s->data[s->pos] == 'e' || s->data[s->pos] == 'E'))
    {
      s->pos++;
      if (s->pos < s->length && (s->data[s->pos] == '+' || s->data[s->pos] == '-'))
        s->pos++;
      if (!scanner_digits (s))
        return scanner_fail (s, start, _("a number is not written as JSON writes numbers"));
    }

  /* "01", "1x": the number must end where a value ends */
  if (s->pos < s->length && (g_ascii_isalnum (s->data[s->pos]) || s->data[s->pos] == '.'))
    return scanner_fail (s, start, _("a number is not written as JSON writes numbers"));

  return TRUE;
}

static gboolean scanner_value (Scanner *s,
                               guint    depth);

static gboolean
scanner_object (Scanner *s,
                guint    depth)
{
  g_autoptr(GHashTable) names = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);

  s->pos++;
  if (!scanner_skip_space (s))
    return FALSE;

  if (s->pos < s->length && s->data[s->pos] == '}')
    {
      s->pos++;
      return TRUE;
    }

  for (;;)
    {
      g_autoptr(GString) name = g_string_new (NULL);
      gsize name_pos = s->pos;

      if (s->pos >= s->length)
        return scanner_unexpected (s);
      if (s->data[s->pos] != '"')
        return scanner_fail (s, s->pos, _("a member name must be text in double quotes"));
      if (!scanner_string (s, name))
        return FALSE;

      if (g_hash_table_contains (names, name->str))
        {
          g_autofree char *shown = g_utf8_make_valid (name->str, -1);
          g_autofree char *reason = NULL;

          for (char *p = shown; *p; p++)
            if ((guchar) *p < 0x20 || *p == 0x7f)
              *p = '?';
          if (g_utf8_strlen (shown, -1) > 40)
            *g_utf8_offset_to_pointer (shown, 40) = '\0';

          /* Translators: a member such as "host" is given twice in one object */
          reason = g_strdup_printf (_("“%s” appears twice in the same object"), shown);
          return scanner_fail (s, name_pos, reason);
        }
      g_hash_table_add (names, g_string_free (g_steal_pointer (&name), FALSE));

      if (!scanner_skip_space (s))
        return FALSE;
      if (s->pos >= s->length || s->data[s->pos] != ':')
        return scanner_unexpected (s);
      s->pos++;

      if (!scanner_value (s, depth))
        return FALSE;

      if (!scanner_skip_space (s))
        return FALSE;
      if (s->pos < s->length && s->data[s->pos] == '}')
        {
          s->pos++;
          return TRUE;
        }
      if (s->pos >= s->length || s->data[s->pos] != ',')
        return scanner_unexpected (s);
      s->pos++;

      if (!scanner_skip_space (s))
        return FALSE;
      if (s->pos < s->length && s->data[s->pos] == '}')
        return scanner_fail (s, s->pos, _("a comma must be followed by another member or element"));
    }
}

static gboolean
scanner_array (Scanner *s,
               guint    depth)
{
  s->pos++;
  if (!scanner_skip_space (s))
    return FALSE;

  if (s->pos < s->length && s->data[s->pos] == ']')
    {
      s->pos++;
      return TRUE;
    }

  for (;;)
    {
      if (!scanner_value (s, depth))
        return FALSE;

      if (!scanner_skip_space (s))
        return FALSE;
      if (s->pos < s->length && s->data[s->pos] == ']')
        {
          s->pos++;
          return TRUE;
        }
      if (s->pos >= s->length || s->data[s->pos] != ',')
        return scanner_unexpected (s);
      s->pos++;

      if (!scanner_skip_space (s))
        return FALSE;
      if (s->pos < s->length && s->data[s->pos] == ']')
        return scanner_fail (s, s->pos, _("a comma must be followed by another member or element"));
    }
}

static gboolean
scanner_literal (Scanner    *s,
                 const char *word)
{
  gsize n = strlen (word);

  if (s->length - s->pos < n || memcmp (s->data + s->pos, word, n) != 0 ||
      (s->pos + n < s->length && g_ascii_isalnum (s->data[s->pos + n])))
    return scanner_unexpected (s);

  s->pos += n;
  return TRUE;
}

static gboolean
scanner_value (Scanner *s,
               guint    depth)
{
  if (!scanner_skip_space (s))
    return FALSE;

  if (s->pos >= s->length)
    return scanner_unexpected (s);

  switch (s->data[s->pos])
    {
    case '{':
    case '[':
      if (depth >= SESAME_JSON_MAX_DEPTH)
        {
          g_set_error (s->error, SESAME_JSON_ERROR, SESAME_JSON_ERROR_TOO_DEEP,
                       _("the file is nested more than %u levels deep"), SESAME_JSON_MAX_DEPTH);
          return FALSE;
        }
      return s->data[s->pos] == '{' ? scanner_object (s, depth + 1) : scanner_array (s, depth + 1);

    case '"':
      return scanner_string (s, NULL);

    case 't':
      return scanner_literal (s, "true");

    case 'f':
      return scanner_literal (s, "false");

    case 'n':
      return scanner_literal (s, "null");

    case '-':
    case '0': case '1': case '2': case '3': case '4':
    case '5': case '6': case '7': case '8': case '9':
      return scanner_number (s);

    case '\'':
      return scanner_fail (s, s->pos, _("text must be in double quotes"));

    default:
      return scanner_unexpected (s);
    }
}

/**
 * sesame_json_check_strict:
 * @data: (array length=length): UTF-8 text
 * @length: its length in bytes
 * @error: a #SesameJsonError naming the line and column
 *
 * Checks that @data is exactly one JSON value (RFC 8259), with nothing after
 * it but white space, no comments, no member given twice in one object, no
 * string holding \u0000 or a lone surrogate, and no nesting deeper than
 * %SESAME_JSON_MAX_DEPTH. A UTF-8 byte order mark may come first. Pure,
 * for fuzzing.
 *
 * Returns: %TRUE if @data is strict JSON
 */
gboolean
sesame_json_check_strict (const char  *data,
                          gsize        length,
                          GError     **error)
{
  Scanner s = { data, length, 0, error };

  g_return_val_if_fail (data != NULL || length == 0, FALSE);

  /* A byte order mark, as some Windows editors write, may start the text */
  if (length >= 3 && memcmp (data, "\xef\xbb\xbf", 3) == 0)
    s.pos = 3;

  if (!scanner_skip_space (&s))
    return FALSE;

  if (s.pos >= s.length)
    {
      g_set_error (error, SESAME_JSON_ERROR, SESAME_JSON_ERROR_SYNTAX, _("the file is empty"));
      return FALSE;
    }

  if (!scanner_value (&s, 0) || !scanner_skip_space (&s))
    return FALSE;

  if (s.pos < s.length)
    return scanner_fail (&s, s.pos, _("more data follows the end of the JSON value, such as a second plan"));

  return TRUE;
}

/**
 * sesame_json_parse_bytes:
 * @bytes: untrusted data
 * @max_size: the largest size accepted, in bytes
 * @error: a #SesameJsonError with a message a person understands
 *
 * Refuses data that is too large, not UTF-8 text (binary), nested deeper than
 * %SESAME_JSON_MAX_DEPTH, or not strict JSON (sesame_json_check_strict ():
 * no comments, no member twice, nothing after the value), before json-glib
 * parses it.
 *
 * Returns: (transfer full): the root node
 */
JsonNode *
sesame_json_parse_bytes (GBytes  *bytes,
                         gsize    max_size,
                         GError **error)
{
  g_autoptr(JsonParser) parser = NULL;
  g_autoptr(GError) local_error = NULL;
  const char *data;
  gsize length;

  g_return_val_if_fail (bytes != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  data = g_bytes_get_data (bytes, &length);

  if (length > max_size)
    {
      g_set_error (error, SESAME_JSON_ERROR, SESAME_JSON_ERROR_TOO_LARGE,
                   _("the file is too large (%lu KiB; at most %lu KiB)"),
                   (gulong) ((length + 1023) / 1024), (gulong) (max_size / 1024));
      return NULL;
    }

  if (length == 0 || data == NULL)
    {
      g_set_error (error, SESAME_JSON_ERROR, SESAME_JSON_ERROR_SYNTAX, _("the file is empty"));
      return NULL;
    }

  if (memchr (data, '\0', length) != NULL || !g_utf8_validate_len (data, length, NULL))
    {
      g_set_error (error, SESAME_JSON_ERROR, SESAME_JSON_ERROR_NOT_TEXT,
                   _("the file is not text: it may be damaged or of another kind"));
      return NULL;
    }

  if (!nesting_within (data, length, SESAME_JSON_MAX_DEPTH))
    {
      g_set_error (error, SESAME_JSON_ERROR, SESAME_JSON_ERROR_TOO_DEEP,
                   _("the file is nested more than %u levels deep"), SESAME_JSON_MAX_DEPTH);
      return NULL;
    }

  if (!sesame_json_check_strict (data, length, error))
    return NULL;

  parser = json_parser_new_immutable ();
  if (!json_parser_load_from_data (parser, data, (gssize) length, &local_error))
    {
      /* json-glib may quote a single byte of a longer character */
      g_autofree char *detail = g_utf8_make_valid (local_error->message, -1);

      g_set_error (error, SESAME_JSON_ERROR, SESAME_JSON_ERROR_SYNTAX,
                   _("the file is not valid JSON (%s)"), detail);
      return NULL;
    }

  if (json_parser_get_root (parser) == NULL)
    {
      g_set_error (error, SESAME_JSON_ERROR, SESAME_JSON_ERROR_SYNTAX, _("the file is empty"));
      return NULL;
    }

  if (!strings_are_utf8 (json_parser_get_root (parser)))
    {
      g_set_error (error, SESAME_JSON_ERROR, SESAME_JSON_ERROR_NOT_TEXT,
                   _("the file is not text: it may be damaged or of another kind"));
      return NULL;
    }

  return json_node_ref (json_parser_get_root (parser));
}

/**
 * sesame_json_get_string:
 * @object: an object
 * @member: the member name
 * @value: (out) (nullable): the string, or %NULL when the member is missing or null
 *
 * Returns: %FALSE if the member exists and holds something other than a string
 */
gboolean
sesame_json_get_string (JsonObject  *object,
                        const char  *member,
                        const char **value)
{
  JsonNode *node;

  g_return_val_if_fail (object != NULL, FALSE);
  g_return_val_if_fail (value != NULL, FALSE);

  *value = NULL;
  node = json_object_get_member (object, member);

  if (node == NULL || JSON_NODE_HOLDS_NULL (node))
    return TRUE;

  if (!JSON_NODE_HOLDS_VALUE (node) || json_node_get_value_type (node) != G_TYPE_STRING)
    return FALSE;

  *value = json_node_get_string (node);
  return TRUE;
}

/**
 * sesame_json_read_string:
 * @object: an object of a data file
 * @member: the member name
 * @path: where @object is in the file, as "services[2]"
 * @required: whether the member must be there and not empty
 * @max_length: 0 for any text; otherwise the most bytes of a short
 *   one-line text, which also may hold no control character
 * @out: (out) (transfer full) (nullable): the text, or %NULL when an
 *   optional member is missing, null or empty
 * @invalid: how to report "@path.@member: reason"
 * @error: return location for a #GError
 *
 * Returns: %FALSE with @error set through @invalid
 */
gboolean
sesame_json_read_string (JsonObject             *object,
                         const char             *member,
                         const char             *path,
                         gboolean                required,
                         gsize                   max_length,
                         char                  **out,
                         SesameJsonInvalidFunc   invalid,
                         GError                **error)
{
  g_autofree char *member_path = NULL;
  const char *value = NULL;

  g_return_val_if_fail (object != NULL, FALSE);
  g_return_val_if_fail (out != NULL, FALSE);
  g_return_val_if_fail (invalid != NULL, FALSE);

  *out = NULL;
  member_path = g_strdup_printf ("%s.%s", path, member);

  if (!sesame_json_get_string (object, member, &value))
    return invalid (error, member_path, "must be a string");

  if (value == NULL || *value == '\0')
    return required ? invalid (error, member_path, "is required") : TRUE;

  if (max_length == 0)
    {
      if (!g_utf8_validate (value, -1, NULL))
        return invalid (error, member_path, "is not valid UTF-8");
    }
  else
    {
      if (strlen (value) > max_length || !g_utf8_validate (value, -1, NULL))
        return invalid (error, member_path, "is not short UTF-8 text");

      for (const char *p = value; *p; p = g_utf8_next_char (p))
        if (g_unichar_iscntrl (g_utf8_get_char (p)))
          return invalid (error, member_path, "contains a control character");
    }

  *out = g_strdup (value);
  return TRUE;
}

/**
 * sesame_json_read_boolean:
 * @object: an object of a data file
 * @member: the member name
 * @path: where @object is in the file
 * @out: (inout): the value; keeps its default when the member is absent
 * @invalid: how to report "@path.@member: reason"
 * @error: return location for a #GError
 *
 * Reads an optional true or false.
 *
 * Returns: %FALSE with @error set through @invalid
 */
gboolean
sesame_json_read_boolean (JsonObject             *object,
                          const char             *member,
                          const char             *path,
                          gboolean               *out,
                          SesameJsonInvalidFunc   invalid,
                          GError                **error)
{
  JsonNode *node;

  g_return_val_if_fail (object != NULL, FALSE);
  g_return_val_if_fail (out != NULL, FALSE);
  g_return_val_if_fail (invalid != NULL, FALSE);

  node = json_object_get_member (object, member);
  if (node == NULL)
    return TRUE;

  if (!JSON_NODE_HOLDS_VALUE (node) || json_node_get_value_type (node) != G_TYPE_BOOLEAN)
    {
      g_autofree char *member_path = g_strdup_printf ("%s.%s", path, member);
      return invalid (error, member_path, "must be true or false");
    }

  *out = json_node_get_boolean (node);
  return TRUE;
}

/**
 * sesame_json_read_uint:
 * @object: an object of a data file
 * @member: the member name
 * @path: where @object is in the file
 * @max: the largest value allowed
 * @out: (inout): the value; keeps its default when the member is absent
 * @invalid: how to report "@path.@member: reason"
 * @error: return location for a #GError
 *
 * Reads an optional whole number from 0 to @max.
 *
 * Returns: %FALSE with @error set through @invalid
 */
gboolean
sesame_json_read_uint (JsonObject             *object,
                       const char             *member,
                       const char             *path,
                       guint                   max,
                       guint                  *out,
                       SesameJsonInvalidFunc   invalid,
                       GError                **error)
{
  JsonNode *node;
  gint64 value;

  g_return_val_if_fail (object != NULL, FALSE);
  g_return_val_if_fail (out != NULL, FALSE);
  g_return_val_if_fail (invalid != NULL, FALSE);

  node = json_object_get_member (object, member);
  if (node == NULL)
    return TRUE;

  if (!JSON_NODE_HOLDS_VALUE (node) || json_node_get_value_type (node) != G_TYPE_INT64 ||
      (value = json_node_get_int (node)) < 0 || value > max)
    {
      g_autofree char *member_path = g_strdup_printf ("%s.%s", path, member);
      g_autofree char *reason = g_strdup_printf ("must be a whole number from 0 to %u", max);
      return invalid (error, member_path, reason);
    }

  *out = (guint)value;
  return TRUE;
}

/**
 * sesame_json_is_id:
 * @text: a data file's id
 *
 * Returns: whether @text is an id: a-z, 0-9 and -, not empty and not
 *   starting with -
 */
gboolean
sesame_json_is_id (const char *text)
{
  g_return_val_if_fail (text != NULL, FALSE);

  if (*text == '\0' || *text == '-')
    return FALSE;

  for (const char *p = text; *p; p++)
    if (!g_ascii_islower (*p) && !g_ascii_isdigit (*p) && *p != '-')
      return FALSE;

  return TRUE;
}

/* Pretty-printed with two spaces and a final newline, as files in Sesame are written. */
char *
sesame_json_to_string (JsonNode *node)
{
  g_autoptr(JsonGenerator) generator = json_generator_new ();
  g_autofree char *text = NULL;

  g_return_val_if_fail (node != NULL, NULL);

  json_generator_set_root (generator, node);
  json_generator_set_pretty (generator, TRUE);
  json_generator_set_indent (generator, 2);
  text = json_generator_to_data (generator, NULL);

  return g_strconcat (text, "\n", NULL);
}
