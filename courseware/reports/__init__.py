"""Reports: completion by unit, class and course, with streamed CSV and XLSX exports."""
