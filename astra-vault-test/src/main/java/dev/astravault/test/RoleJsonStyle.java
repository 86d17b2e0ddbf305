package dev.astravault.test;

/**
 * How {@link FakeAstra} spells roles, since real servers and documents disagree; test clients against both. Without
 * {@link FakeAstra#roleJsonStyle(RoleJsonStyle)} a varied fake mixes the key case and the policy form per answer.
 */
public enum RoleJsonStyle {
  /** The spec's shape: {@code {"id","name","policy":{"description","resources","actions","effect"}}}. */
  LOWER_CASE,
  /** The docs' shape: {@code {"ID","Name","Type","policy":"<the policy as a JSON string>"}}. */
  UPPER_CASE
}
