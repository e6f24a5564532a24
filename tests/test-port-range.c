/* test-port-range.c: what a person may type as a port
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include "sesame-port-range.h"

static void
test_valid (void)
{
  static const struct {
    const char *text;
    guint first;
    guint last;
    const char *formatted;
  } cases[] = {
    { "80", 80, 80, "80" },
    { " 22 ", 22, 22, "22" },
    { "1", 1, 1, "1" },
    { "65535", 65535, 65535, "65535" },
    { "16384-16403", 16384, 16403, "16384-16403" },
    { "27015 - 27016", 27015, 27016, "27015-27016" },
    { "5000-5000", 5000, 5000, "5000" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(GError) error = NULL;
      g_autofree char *formatted = NULL;
      SesamePortRange range;

      g_test_message ("%s", cases[i].text);
      g_assert_true (sesame_port_range_parse (cases[i].text, &range, &error));
      g_assert_no_error (error);
      g_assert_cmpuint (range.first, ==, cases[i].first);
      g_assert_cmpuint (range.last, ==, cases[i].last);
      formatted = sesame_port_range_to_string (&range);
      g_assert_cmpstr (formatted, ==, cases[i].formatted);
    }
}

static void
test_invalid (void)
{
  static const struct {
    const char *text;
    SesamePortRangeError code;
  } cases[] = {
    { NULL, SESAME_PORT_RANGE_ERROR_EMPTY },
    { "", SESAME_PORT_RANGE_ERROR_EMPTY },
    { "   ", SESAME_PORT_RANGE_ERROR_EMPTY },
    { "0", SESAME_PORT_RANGE_ERROR_OUT_OF_RANGE },
    { "65536", SESAME_PORT_RANGE_ERROR_OUT_OF_RANGE },
    { "99999999999999999999999", SESAME_PORT_RANGE_ERROR_OUT_OF_RANGE },
    { "http", SESAME_PORT_RANGE_ERROR_SYNTAX },
    { "80a", SESAME_PORT_RANGE_ERROR_SYNTAX },
    { "+80", SESAME_PORT_RANGE_ERROR_SYNTAX },
    { "-80", SESAME_PORT_RANGE_ERROR_SYNTAX },
    { "80-", SESAME_PORT_RANGE_ERROR_SYNTAX },
    { "1-2-3", SESAME_PORT_RANGE_ERROR_SYNTAX },
    { "80,443", SESAME_PORT_RANGE_ERROR_SYNTAX },
    { "16403-16384", SESAME_PORT_RANGE_ERROR_REVERSED },
    { "0-10", SESAME_PORT_RANGE_ERROR_OUT_OF_RANGE },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(GError) error = NULL;
      SesamePortRange range = { 7, 7 };

      g_test_message ("%s", cases[i].text ? cases[i].text : "(null)");
      g_assert_false (sesame_port_range_parse (cases[i].text, &range, &error));
      g_assert_error (error, SESAME_PORT_RANGE_ERROR, (int) cases[i].code);
      g_assert_cmpstr (error->message, !=, "");
      /* A failed parse leaves the range alone */
      g_assert_cmpuint (range.first, ==, 7);
    }
}

static void
test_relations (void)
{
  SesamePortRange a = { 5297, 5297 };
  SesamePortRange b = { 5298, 5298 };
  SesamePortRange c = { 5300, 5310 };
  SesamePortRange d = { 5305, 5305 };
  SesamePortRange top = { 65535, 65535 };

  g_assert_false (sesame_port_range_overlaps (&a, &b));
  g_assert_true (sesame_port_range_touches (&a, &b));
  g_assert_false (sesame_port_range_touches (&b, &c));
  g_assert_true (sesame_port_range_overlaps (&c, &d));
  g_assert_true (sesame_port_range_overlaps (&d, &c));
  g_assert_false (sesame_port_range_touches (&top, &a));
  g_assert_cmpuint (sesame_port_range_count (&c), ==, 11);
  g_assert_cmpint (sesame_port_range_compare (&a, &b), <, 0);
  g_assert_cmpint (sesame_port_range_compare (&c, &c), ==, 0);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);

  g_test_add_func ("/port-range/valid", test_valid);
  g_test_add_func ("/port-range/invalid", test_invalid);
  g_test_add_func ("/port-range/relations", test_relations);

  return g_test_run ();
}
