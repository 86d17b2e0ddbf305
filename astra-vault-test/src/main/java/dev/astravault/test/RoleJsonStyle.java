package dev.astravault.test;

/**
 * How {@link FakeAstra} spells roles, since real servers and documents disagree; test clients against both.
 */
public enum RoleJsonStyle {
  /** The spec's shape: {@code {"id","name","policy":{"description","resources","actions","effect"}}}. */
  LOWER_CASE,
  /** The docs' shape: {@code {"ID","Name","Type","policy":"<the policy as a JSON string>"}}. */
  UPPER_CASE
}
