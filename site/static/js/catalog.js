// The site's lessons and exercises, from course.json (made by the build: pyground/catalog.py).
// The teachers' pages read it: the builder offers its lessons and exercises, an assignment link
// is checked against it, and grading takes each exercise's checks from it. An id resolves
// through its aliases, so a link made before an exercise was renamed still finds it.
import { SITE_ROOT } from "./site-path.js";

export const CATALOG_URL = new URL("course.json", SITE_ROOT);
const FORMAT = "pyground-course";

export class Catalog {
  constructor(data) {
    if (data?.format !== FORMAT || !Array.isArray(data.lessons)) throw new Error("course.json is not this site's list of lessons");
    this.build = String(data.build);
    this.title = String(data.title);
    this.python = data.python;
    this.tracks = data.tracks;
    this.lessons = data.lessons;
    this.byLesson = new Map();
    this.byExercise = new Map();
    for (const lesson of data.lessons) {
      for (const id of [...lesson.aliases, lesson.id]) this.byLesson.set(id, lesson);
    }
    for (const [id, exercise] of Object.entries(data.exercises)) {
      const entry = { id, ...exercise };
      for (const name of [...exercise.aliases, id]) this.byExercise.set(name, entry);
    }
  }

  /** The lesson with this id or alias, or undefined. */
  lesson(id) {
    return this.byLesson.get(id);
  }

  /** The exercise ({id, lesson, title, number, aliases, setup, check}) with this id or alias, or undefined. */
  exercise(id) {
    return this.byExercise.get(id);
  }

  /** The exercises of a lesson, in page order. */
  exercisesOf(lesson) {
    return lesson.exercises.map((id) => this.byExercise.get(id));
  }

  /** A lesson page's address (absolute), e.g. for a link from the assignment page. */
  lessonUrl(lesson) {
    return new URL(lesson.url, SITE_ROOT);
  }
}

let loaded = null;
/** The site's catalogue, fetched once per page. Rejects with a message for the reader. */
export function loadCatalog() {
  loaded ??= fetch(CATALOG_URL)
    .then((response) => {
      if (!response.ok) throw new Error(`HTTP ${response.status}`);
      return response.json();
    })
    .then((data) => new Catalog(data))
    .catch((error) => {
      loaded = null;
      throw new Error(`The list of this site's lessons could not be loaded (${error.message}). Check your connection and reload the page.`);
    });
  return loaded;
}
