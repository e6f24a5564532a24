/* sesame-translation.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "sesame-translation"

#include "config.h"

#include <string.h>

#include <glib/gi18n-lib.h>

#include "sesame-resources.h"
#include "sesame-translation.h"

#define MO_MAGIC          0x950412deU
#define MO_MAGIC_SWAPPED  0xde120495U
#define MO_HEADER_SIZE    28

struct _SesameTranslation
{
  GObject     parent_instance;

  char       *language;
  /* msgid (with "context\004" prefix where there is one) → MoString */
  GHashTable *messages;
  guint       n_plurals;
};

typedef struct
{
  char  *data;    /* msgstr; plural forms separated by NUL */
  gsize  length;  /* bytes in data, without the final NUL */
} MoString;

G_DEFINE_FINAL_TYPE (SesameTranslation, sesame_translation, G_TYPE_OBJECT)
G_DEFINE_QUARK (sesame-translation-error-quark, sesame_translation_error)

static const char * const languages[] = { "en", "ja", NULL };

static void
mo_string_free (gpointer data)
{
  MoString *str = data;

  g_free (str->data);
  g_free (str);
}

static void
sesame_translation_finalize (GObject *object)
{
  SesameTranslation *self = (SesameTranslation *)object;

  g_clear_pointer (&self->language, g_free);
  g_clear_pointer (&self->messages, g_hash_table_unref);

  G_OBJECT_CLASS (sesame_translation_parent_class)->finalize (object);
}

static void
sesame_translation_class_init (SesameTranslationClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = sesame_translation_finalize;
}

static void
sesame_translation_init (SesameTranslation *self)
{
  self->messages = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, mo_string_free);
  self->n_plurals = 2;
}

static gboolean
read_u32 (const guint8 *data,
          gsize         size,
          gsize         offset,
          gboolean      swapped,
          guint32      *value)
{
  guint32 v;

  if (offset > size || size - offset < 4)
    return FALSE;

  memcpy (&v, data + offset, 4);
  *value = swapped ? GUINT32_SWAP_LE_BE (v) : v;
  return TRUE;
}

/* A string table entry is (length, offset); the string must lie inside the
 * file and be followed by a NUL, as msgfmt writes it. */
static gboolean
read_string (const guint8  *data,
             gsize          size,
             gsize          entry,
             gboolean       swapped,
             const char   **str,
             gsize         *length)
{
  guint32 len;
  guint32 off;

  if (!read_u32 (data, size, entry, swapped, &len) ||
      !read_u32 (data, size, entry + 4, swapped, &off))
    return FALSE;

  if ((gsize) off > size || (gsize) len >= size - off || data[off + len] != '\0')
    return FALSE;

  *str = (const char *)data + off;
  *length = len;
  return TRUE;
}

static guint
parse_n_plurals (const char *header)
{
  const char *p = strstr (header, "nplurals=");
  guint64 n;

  if (p == NULL)
    return 2;

  n = g_ascii_strtoull (p + strlen ("nplurals="), NULL, 10);
  return n >= 1 && n <= 6 ? (guint) n : 2;
}

/**
 * sesame_translation_new_from_bytes:
 * @language: the language code, such as "ja"
 * @mo_file: the contents of a compiled message catalog (msgfmt's .mo format)
 * @error: return location for a #GError
 *
 * Every offset in @mo_file is checked against its size, so a damaged file
 * gives an error instead of a crash.
 */
SesameTranslation *
sesame_translation_new_from_bytes (const char  *language,
                                   GBytes      *mo_file,
                                   GError     **error)
{
  g_autoptr(SesameTranslation) self = NULL;
  const guint8 *data;
  gsize size;
  guint32 magic;
  guint32 n_strings;
  guint32 originals;
  guint32 translations;
  gboolean swapped;

  g_return_val_if_fail (language != NULL, NULL);
  g_return_val_if_fail (mo_file != NULL, NULL);

  data = g_bytes_get_data (mo_file, &size);

  if (size < MO_HEADER_SIZE || !read_u32 (data, size, 0, FALSE, &magic) ||
      (magic != MO_MAGIC && magic != MO_MAGIC_SWAPPED))
    {
      g_set_error (error, SESAME_TRANSLATION_ERROR, SESAME_TRANSLATION_ERROR_INVALID,
                   _("The message catalog for “%s” is damaged"), language);
      return NULL;
    }

  swapped = magic == MO_MAGIC_SWAPPED;
  read_u32 (data, size, 8, swapped, &n_strings);
  read_u32 (data, size, 12, swapped, &originals);
  read_u32 (data, size, 16, swapped, &translations);

  if (n_strings > size / 8)
    {
      g_set_error (error, SESAME_TRANSLATION_ERROR, SESAME_TRANSLATION_ERROR_INVALID,
                   _("The message catalog for “%s” is damaged"), language);
      return NULL;
    }

  self = g_object_new (SESAME_TYPE_TRANSLATION, NULL);
  self->language = g_strdup (language);

  for (guint32 i = 0; i < n_strings; i++)
    {
      const char *msgid;
      const char *msgstr;
      gsize msgid_len;
      gsize msgstr_len;
      MoString *str;

      if (!read_string (data, size, (gsize) originals + 8 * (gsize) i, swapped, &msgid, &msgid_len) ||
          !read_string (data, size, (gsize) translations + 8 * (gsize) i, swapped, &msgstr, &msgstr_len))
        {
          g_set_error (error, SESAME_TRANSLATION_ERROR, SESAME_TRANSLATION_ERROR_INVALID,
                       _("The message catalog for “%s” is damaged"), language);
          return NULL;
        }

      if (msgid_len == 0)
        {
          self->n_plurals = parse_n_plurals (msgstr);
          continue;
        }

      str = g_new0 (MoString, 1);
      str->data = g_memdup2 (msgstr, msgstr_len + 1);
      str->length = msgstr_len;

      /* For plural entries the key is the singular, up to the first NUL */
      g_hash_table_replace (self->messages, g_strdup (msgid), str);
    }

  return g_steal_pointer (&self);
}

const char * const *
sesame_translation_get_languages (void)
{
  return languages;
}

gboolean
sesame_translation_is_supported (const char *language)
{
  return language != NULL && g_strv_contains (languages, language);
}

/**
 * sesame_translation_get_default_language:
 *
 * Returns: "ja" when the person's preferred languages put Japanese before
 *   English, "en" otherwise
 */
const char *
sesame_translation_get_default_language (void)
{
  const char * const *names = g_get_language_names ();

  for (guint i = 0; names[i] != NULL; i++)
    {
      if (g_str_has_prefix (names[i], "ja"))
        return "ja";
      if (g_str_has_prefix (names[i], "en"))
        return "en";
    }

  return "en";
}

/**
 * sesame_translation_get_for_language:
 * @language: "en" or "ja"
 * @error: return location for a #GError
 *
 * Returns: (transfer none): the shared translation for @language; English
 *   returns every message unchanged
 */
SesameTranslation *
sesame_translation_get_for_language (const char  *language,
                                     GError     **error)
{
  static GHashTable *cache;
  G_LOCK_DEFINE_STATIC (cache);
  SesameTranslation *ret;

  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  if (!sesame_translation_is_supported (language))
    {
      g_set_error (error, SESAME_TRANSLATION_ERROR, SESAME_TRANSLATION_ERROR_UNSUPPORTED,
                   _("“%s” is not a supported language; use one of: en, ja"),
                   language ? language : "");
      return NULL;
    }

  G_LOCK (cache);

  if (cache == NULL)
    cache = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_object_unref);

  ret = g_hash_table_lookup (cache, language);

  if (ret == NULL)
    {
      if (g_str_equal (language, "en"))
        {
          ret = g_object_new (SESAME_TYPE_TRANSLATION, NULL);
          ret->language = g_strdup (language);
        }
      else
        {
          g_autofree char *path = g_strdup_printf (RESOURCE_BASE "/locale/%s.mo", language);
          g_autoptr(GBytes) bytes = NULL;

          sesame_resources_ensure ();
          bytes = g_resources_lookup_data (path, 0, error);

          if (bytes != NULL)
            ret = sesame_translation_new_from_bytes (language, bytes, error);
        }

      if (ret != NULL)
        g_hash_table_insert (cache, g_strdup (language), ret);
    }

  G_UNLOCK (cache);

  return ret;
}

const char *
sesame_translation_get_language (SesameTranslation *self)
{
  g_return_val_if_fail (SESAME_IS_TRANSLATION (self), NULL);

  return self->language;
}

const char *
sesame_translation_gettext (SesameTranslation *self,
                            const char        *msgid)
{
  const MoString *str;

  g_return_val_if_fail (SESAME_IS_TRANSLATION (self), msgid);
  g_return_val_if_fail (msgid != NULL, NULL);

  if ((str = g_hash_table_lookup (self->messages, msgid)) && str->length > 0)
    return str->data;

  return msgid;
}

/* Whether the catalog has a translation for @msgid (a "context\004msgid" key for messages with a context) */
gboolean
sesame_translation_contains (SesameTranslation *self,
                             const char        *msgid)
{
  const MoString *str;

  g_return_val_if_fail (SESAME_IS_TRANSLATION (self), FALSE);
  g_return_val_if_fail (msgid != NULL, FALSE);

  return (str = g_hash_table_lookup (self->messages, msgid)) != NULL && str->length > 0;
}

const char *
sesame_translation_pgettext (SesameTranslation *self,
                             const char        *context,
                             const char        *msgid)
{
  g_autofree char *key = NULL;
  const MoString *str;

  g_return_val_if_fail (SESAME_IS_TRANSLATION (self), msgid);
  g_return_val_if_fail (context != NULL, msgid);
  g_return_val_if_fail (msgid != NULL, NULL);

  key = g_strconcat (context, "\004", msgid, NULL);

  if ((str = g_hash_table_lookup (self->messages, key)) && str->length > 0)
    return str->data;

  return msgid;
}

const char *
sesame_translation_ngettext (SesameTranslation *self,
                             const char        *msgid,
                             const char        *msgid_plural,
                             gulong             n)
{
  const MoString *str;
  guint form;

  g_return_val_if_fail (SESAME_IS_TRANSLATION (self), msgid);
  g_return_val_if_fail (msgid != NULL, NULL);
  g_return_val_if_fail (msgid_plural != NULL, NULL);

  /* Sesame ships languages with one form (Japanese) or two forms, the
   * second for every count but one (English). */
  form = self->n_plurals == 1 ? 0 : (n == 1 ? 0 : 1);

  if ((str = g_hash_table_lookup (self->messages, msgid)) && str->length > 0)
    {
      const char *p = str->data;
      const char *end = str->data + str->length;

      for (guint i = 0; i < form && p < end; i++)
        p += strlen (p) + 1;

      if (p < end && *p != '\0')
        return p;
    }

  return n == 1 ? msgid : msgid_plural;
}
