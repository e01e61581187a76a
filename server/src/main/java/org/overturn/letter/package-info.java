@NullMarked
package org.overturn.letter;

import org.jspecify.annotations.NullMarked;
