/* sesame-json.c
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

/**
 * sesame_json_parse_bytes:
 * @bytes: untrusted data
 * @max_size: the largest size accepted, in bytes
 * @error: a #SesameJsonError with a message a person understands
 *
 * Refuses data that is too large, not UTF-8 text (binary), nested deeper than
 * %SESAME_JSON_MAX_DEPTH, or not JSON, before and while json-glib parses it.
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
